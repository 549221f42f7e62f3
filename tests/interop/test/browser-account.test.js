// The signed-in user's side in Chromium: /account lists a connected app and disconnecting it kills the
// app's tokens; an app's RP-initiated logout asks the user on /logout and returns to the app.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { introspect, publicUrl } from './helpers.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, screenshot, signInWithEmail, submit } from './chromium.js';

const suite = browserSuite();

/** Signs a new user in to `app` (remembered when asked), allows every scope, and returns the tokens. */
async function connect(page, app, scope, { remember = false } = {}) {
  const request = app.authorization(scope);
  await page.goto(request.url);
  await signInWithEmail(page, newEmail('connected'), { remember });
  await expectPage(page, '/consent');
  await page.getByTestId('allow').click();
  const params = await app.callback(page, request);
  return app.redeem(params.get('code'), request);
}

it('disconnecting an app at /account kills its access and refresh tokens', async () => {
  const page = await openPage(suite.browser);
  try {
    const app = await ClientApp.register(suite.listener, 'browser-revoke', {
      client_name: 'Corner Café',
      client_uri: 'https://cafe.example/',
      logo_uri: 'https://cafe.example/logo.svg',
    });
    const tokens = await connect(page, app, 'offline read receive');
    assert.equal((await introspect(tokens.access_token)).active, true);
    assert.ok(tokens.refresh_token);

    await page.goto(`${publicUrl}/account`);
    await expectPage(page, '/account');
    const listed = page.getByTestId('app').filter({ hasText: app.name });
    assert.equal(await listed.count(), 1, 'the app is listed once');
    assert.match(await listed.textContent(), /View your wallet/i, 'with what it may do');
    await screenshot(page, 'account');

    await submit(page, 'revoke');
    await expectPage(page, '/account');
    assert.equal(await page.getByTestId('notice').textContent(), 'The app was disconnected. Its access has ended.');
    assert.equal(await page.getByTestId('app').count(), 0, 'the app is no longer listed');
    assert.ok(await page.getByTestId('no-apps').isVisible());

    assert.equal((await introspect(tokens.access_token)).active, false, 'the access token is dead');
    assert.equal((await introspect(tokens.refresh_token)).active, false, 'the refresh token is dead');
    const refreshed = await app.refresh(tokens.refresh_token);
    assert.equal(refreshed.status, 400, `the refresh is refused: ${JSON.stringify(refreshed.body)}`);
    assert.equal(refreshed.body.error, 'invalid_grant');
  } finally {
    await closePage(page);
  }
});

it('an app signs the user out through /logout, and the user lands back at its post-logout redirect URI', async () => {
  const page = await openPage(suite.browser);
  try {
    const app = await ClientApp.register(suite.listener, 'browser-logout');
    const tokens = await connect(page, app, 'openid read', { remember: true });
    assert.ok(tokens.id_token);

    const logout = new URL(`${publicUrl}/oauth2/sessions/logout`);
    logout.search = new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: app.postLogoutRedirectUri,
      state: 'signing-out',
    }).toString();
    await page.goto(logout.href);
    await expectPage(page, '/logout');
    assert.match(await page.locator('main').textContent(), new RegExp(`${app.name} asked to sign you out`));
    await screenshot(page, 'logout');
    await page.getByTestId('confirm-logout').click();
    await page.waitForURL((url) => url.href.startsWith(`${app.postLogoutRedirectUri}?`));
    assert.equal(new URL(page.url()).searchParams.get('state'), 'signing-out');

    // The remembered sign-in is over: the app's next request asks the user to sign in again.
    await page.goto(app.authorization('openid read').url);
    await expectPage(page, '/login');
    // And the account pages forgot the user too.
    await page.goto(`${publicUrl}/account`);
    await expectPage(page, '/login');
  } finally {
    await closePage(page);
  }
});
