// A third-party app sends a user through Glint's built-in login and consent pages in Chromium: a new
// user signs in with an emailed code and decides what the app may do; the app gets exactly that.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { introspect, scopes } from './helpers.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, readCode, screenshot, signInWithEmail, submitCode, submitEmail } from './chromium.js';

const suite = browserSuite();

/** Runs `body` with a page of a fresh browser context, closed afterwards whatever happens. */
async function withPage(body, options) {
  const page = await openPage(suite.browser, options);
  try {
    await body(page);
  } finally {
    await closePage(page);
  }
}

describe('login and consent pages in Chromium', () => {
  it('a new user signs in with an emailed code, unticks a scope, and the app gets tokens for exactly the ticked scopes', () => withPage(async (page) => {
    // The whole banner, as a real app would fill it in (and as the screenshots should show it).
    const app = await ClientApp.register(suite.listener, 'browser-consent', {
      client_name: 'Corner Café',
      client_uri: 'https://cafe.example/',
      logo_uri: 'https://cafe.example/logo.svg',
      policy_uri: 'https://cafe.example/privacy',
      tos_uri: 'https://cafe.example/terms',
    });
    const email = newEmail('new-user');
    const request = app.authorization('openid offline read write receive');

    await page.goto(request.url);
    await expectPage(page, '/login');
    await assert.doesNotReject(page.getByText(`Sign in to continue to ${app.name}`).waitFor(), 'the login page names the app');
    await screenshot(page, 'login');

    await submitEmail(page, email);
    assert.equal(await page.getByTestId('sent-to').textContent(), email);
    await screenshot(page, 'login-code');
    await submitCode(page, await readCode(email));

    await expectPage(page, '/consent');
    assert.equal(await page.getByTestId('consent-client').textContent(), app.name);
    assert.equal(await page.getByTestId('policy').getAttribute('href'), 'https://cafe.example/privacy');
    assert.equal(await page.getByTestId('terms').getAttribute('href'), 'https://cafe.example/terms');
    assert.equal(
      (await page.getByTestId('policy').locator('..').textContent()).replace(/\s+/g, ' ').trim(),
      "Read this app's privacy policy and terms of service before you allow.",
      'the sentence around the links reads as a sentence',
    );
    for (const scope of ['openid', 'offline', 'read', 'write', 'receive']) {
      assert.ok(await page.getByTestId(`scope-${scope}`).isChecked(), `${scope} starts ticked`);
    }
    // Plain words, not scope names: the label of each checkbox describes it.
    assert.equal(await page.getByLabel(/See your account, balances and transaction history/).getAttribute('data-testid'), 'scope-read');
    await screenshot(page, 'consent');
    await page.getByTestId('scope-write').uncheck();
    await page.getByTestId('allow').click();

    const params = await app.callback(page, request);
    assert.equal(params.get('error'), null, `no error at the app: ${params}`);
    const tokens = await app.redeem(params.get('code'), request);
    const granted = ['offline', 'openid', 'read', 'receive'];
    assert.deepEqual(scopes(tokens.scope), granted, 'the token response carries the ticked scopes');
    assert.ok(tokens.refresh_token, 'offline was ticked, so there is a refresh token');
    assert.ok(tokens.id_token, 'openid was ticked, so there is an ID token');
    const access = await introspect(tokens.access_token);
    assert.equal(access.active, true);
    assert.deepEqual(scopes(access.scope), granted, 'the access token holds the ticked scopes and not write');
    assert.equal(access.client_id, app.client.client_id);
    assert.deepEqual(page.dialogs, []);
  }));

  it('Cancel, Deny, and Allow with nothing ticked send the user back to the app with access_denied, without JavaScript', () => withPage(async (page) => {
    const app = await ClientApp.register(suite.listener, 'browser-deny');
    const cancelled = app.authorization('read write');
    await page.goto(cancelled.url);
    await expectPage(page, '/login');
    await page.getByTestId('cancel').click();
    const cancel = await app.callback(page, cancelled);
    assert.equal(cancel.get('error'), 'access_denied', `Cancel: ${cancel}`);

    const first = app.authorization('read write');
    await page.goto(first.url);
    // Remember me, so that the second request below goes straight to its consent page.
    await signInWithEmail(page, newEmail('denier'), { remember: true });
    await expectPage(page, '/consent');
    await page.getByTestId('deny').click();
    const denied = await app.callback(page, first);
    assert.equal(denied.get('error'), 'access_denied', `Deny: ${denied}`);
    assert.equal(denied.get('code'), null);

    const second = app.authorization('read write');
    await page.goto(second.url);
    await expectPage(page, '/consent');
    await page.getByTestId('scope-read').uncheck();
    await page.getByTestId('scope-write').uncheck();
    await page.getByTestId('allow').click();
    const empty = await app.callback(page, second);
    assert.equal(empty.get('error'), 'access_denied', `Allow with nothing ticked: ${empty}`);
    assert.equal(empty.get('code'), null);
  }, { javaScriptEnabled: false }));

  it('with "Remember me" and "Remember this decision", the next request goes straight back to the app', () => withPage(async (page) => {
    const app = await ClientApp.register(suite.listener, 'browser-remember');
    const first = app.authorization('openid read');
    await page.goto(first.url);
    await signInWithEmail(page, newEmail('rememberer'), { remember: true });
    await expectPage(page, '/consent');
    await page.getByTestId('remember').check();
    await page.getByTestId('allow').click();
    const firstParams = await app.callback(page, first);
    const firstTokens = await app.redeem(firstParams.get('code'), first);

    const second = app.authorization('openid read');
    page.shown.length = 0;
    await page.goto(second.url);
    const params = await app.callback(page, second);
    assert.deepEqual(page.shown.filter((url) => !app.isCallback(url)), [], 'no login or consent page was shown');
    const tokens = await app.redeem(params.get('code'), second);
    assert.deepEqual(scopes(tokens.scope), ['openid', 'read']);
    const subject = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).sub;
    assert.equal(subject(tokens.id_token), subject(firstTokens.id_token), 'the same user, remembered');
  }));

  it('a client with skip_consent gets the requested scopes without a consent page', () => withPage(async (page) => {
    const app = await ClientApp.register(suite.listener, 'browser-trusted', { skip_consent: true });
    const request = app.authorization('read receive');
    await page.goto(request.url);
    await signInWithEmail(page, newEmail('trusting'));
    const params = await app.callback(page, request);
    assert.ok(!page.shown.some((url) => new URL(url).pathname === '/consent'), `no consent page: ${page.shown.join(', ')}`);
    const tokens = await app.redeem(params.get('code'), request);
    assert.deepEqual(scopes(tokens.scope), ['read', 'receive']);
  }));
});
