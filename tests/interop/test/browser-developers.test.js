// The developer portal in Chromium: a developer signs up and registers an app with two scopes, the operator
// approves it with `glint apps approve`, the developer sees the secret once, signs a user in with it, rotates
// the secret (both work until the overlap is ended) and adds a callback URL, which goes back to review. A next-auth
// app configured with the provider block of the app's integration guide signs a user in and calls /graphql.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { adminUrl, basicAuthorization, deleteClientQuietly, introspect, publicUrl } from './helpers.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, screenshot, signInWithEmail, submit } from './chromium.js';
import { NextAuthApp } from './next-auth-app.js';

const suite = browserSuite();
const nextAuth = new NextAuthApp();

before(() => nextAuth.start());
after(() => nextAuth.stop());

/** The `providers` of the guide's next-auth block, evaluated as the developer's next-auth options would be. */
function providersFromGuide(block, secret) {
  // The block is JavaScript to paste into an options object; evaluating it is what pasting it does.
  const options = new Function('process', `return {\n${block}\n};`)({ env: { GLINT_CLIENT_SECRET: secret } });
  return options.providers;
}

/** The guide's curl call to /graphql, with the access token next-auth kept. */
async function graphqlMe(accessToken) {
  const response = await fetch(`${publicUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'oauth2-token': accessToken },
    body: JSON.stringify({ query: '{ me { defaultAccount { wallets { id walletCurrency balance } } } }' }),
  });
  return { status: response.status, body: await response.json() };
}

/** `glint apps …` against the server under test's admin port; returns the printed JSON. */
async function glintApps(...args) {
  const dll = process.env.GLINT_SERVER_DLL;
  assert.ok(dll, 'GLINT_SERVER_DLL must name glint.dll (scripts/test sets it)');
  const { stdout } = await promisify(execFile)('dotnet', [dll, 'apps', ...args, '--endpoint', adminUrl, '--format', 'json'], {
    env: { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    timeout: 120_000,
  });
  return JSON.parse(stdout);
}

/** Whether `secret` authenticates the client at the revocation endpoint (200), or not (401). */
async function revocationStatus(clientId, secret) {
  const response = await fetch(`${publicUrl}/oauth2/revoke`, {
    method: 'POST',
    headers: { authorization: basicAuthorization(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: 'not-a-token' }),
  });
  return response.status;
}

it('a developer registers an app, the operator approves it, the secret is shown once and works, and rotates with an overlap', async () => {
  const page = await openPage(suite.browser);
  let clientId;
  try {
    await page.goto(`${publicUrl}/developers`);
    await signInWithEmail(page, newEmail('developer'));
    await page.goto(`${publicUrl}/developers`);
    await expectPage(page, '/developers');
    assert.ok(await page.getByTestId('no-apps').isVisible());

    await page.getByTestId('register-app').click();
    await expectPage(page, '/developers/new');
    const callback = `${suite.listener.url}/callback/portal/${randomUUID()}`;
    await page.getByTestId('app-name').fill('Portal Café');
    await page.getByTestId('app-description').fill('Shows the balance (read) and signs the user in (openid).');
    await page.getByTestId('app-redirect-uris').fill(`${callback}\n${nextAuth.callback('glint')}`);
    await page.getByTestId('app-scope-openid').check();
    await page.getByTestId('app-scope-read').check();
    await page.getByTestId('app-logo').fill('https://cafe.example/logo.svg');
    await screenshot(page, 'developers-register');
    await submit(page, 'submit-app');
    await page.waitForURL((url) => url.pathname.startsWith('/developers/apps/'));
    const appUrl = page.url();
    const appId = new URL(appUrl).pathname.split('/')[3];
    assert.equal(await page.getByTestId('app-status').textContent(), 'Pending review');

    const approved = await glintApps('approve', appId);
    assert.equal(approved.status, 'approved');
    clientId = approved.client_id;

    await page.goto(appUrl);
    assert.equal(await page.getByTestId('client-id').textContent(), clientId);
    const secret = await page.getByTestId('client-secret').textContent();
    assert.ok(secret.length >= 20, 'the secret is shown');
    await page.goto(appUrl);
    assert.equal(await page.getByTestId('client-secret').count(), 0, 'the secret is shown only once');

    // A user signs in to the app in a browser of their own (signing in also opens their account pages).
    const user = await openPage(suite.browser);
    try {
      const app = new ClientApp({ client_id: clientId, client_secret: secret, client_name: 'Portal Café' }, callback, callback);
      const request = app.authorization('openid read');
      await user.goto(request.url);
      await signInWithEmail(user, newEmail('portal-user'));
      await expectPage(user, '/consent');
      assert.match(await user.locator('main').textContent(), /Portal Café/);
      await user.getByTestId('allow').click();
      const tokens = await app.redeem((await app.callback(user, request)).get('code'), request);
      assert.equal((await introspect(tokens.access_token)).active, true);
    } finally {
      await closePage(user);
    }

    // A next-auth app set up from the guide's provider block signs another user in and calls the API.
    await page.goto(`${appUrl}/guide`);
    nextAuth.use(providersFromGuide(await page.getByTestId('guide-next-auth').textContent(), secret));
    const reader = await openPage(suite.browser);
    try {
      await reader.goto(`${nextAuth.url}/api/auth/signin`);
      await reader.getByRole('button', { name: 'Sign in with Glint' }).click();
      await signInWithEmail(reader, newEmail('next-auth-user'));
      await expectPage(reader, '/consent');
      await reader.getByTestId('allow').click();
      await reader.waitForURL((url) => url.origin === nextAuth.url && !url.pathname.startsWith('/api/auth/'));
      assert.deepEqual(nextAuth.errors, []);
      const session = await reader.goto(`${nextAuth.url}/api/auth/session`).then((response) => response.json());
      assert.ok(session.user?.id, `the next-auth session names the user: ${JSON.stringify(session)}`);
      const { status, body } = await graphqlMe(session.accessToken);
      assert.equal(status, 200);
      assert.equal(body.errors, undefined, JSON.stringify(body));
      assert.ok(Array.isArray(body.data.me.defaultAccount.wallets), JSON.stringify(body));
    } finally {
      await closePage(reader);
    }

    await page.goto(appUrl);
    await submit(page, 'rotate-secret');
    const rotated = await page.getByTestId('client-secret').textContent();
    assert.notEqual(rotated, secret);
    assert.equal(await revocationStatus(clientId, secret), 200, 'the old secret works during the overlap');
    assert.equal(await revocationStatus(clientId, rotated), 200, 'the new secret works');
    await submit(page, 'end-overlap');
    assert.equal(await revocationStatus(clientId, secret), 401, 'the old secret stops when the overlap is ended');
    assert.equal(await revocationStatus(clientId, rotated), 200, 'the new secret still works');

    await page.goto(`${appUrl}/edit`);
    await page.getByTestId('app-redirect-uris').fill(`${callback}\n${nextAuth.callback('glint')}\n${callback}-2`);
    await submit(page, 'save-app');
    assert.equal(await page.getByTestId('app-status').textContent(), 'Approved, changes pending review');
    const queued = await glintApps('list', '--status', 'pending');
    assert.ok(queued.some((entry) => entry.id === appId && entry.pending_changes), 'the edit waits for review');
    await screenshot(page, 'developers-app');
    await page.goto(`${appUrl}/guide`);
    assert.equal(await page.getByTestId('guide-client-id').textContent(), clientId);
    assert.match(await page.getByTestId('guide-next-auth').textContent(), new RegExp(`clientId: "${clientId}"`));
    await screenshot(page, 'developers-guide');
    // The approved callback keeps working meanwhile: the authorization request goes on to the sign-in page.
    const renewed = new ClientApp({ client_id: clientId, client_secret: rotated, client_name: 'Portal Café' }, callback, callback);
    await page.goto(renewed.authorization('openid read').url);
    await expectPage(page, '/login');
  } finally {
    await closePage(page);
    if (clientId) {
      await deleteClientQuietly(clientId);
    }
  }
});

it("the operator approves one app and rejects another on the admin port's review page", async () => {
  const page = await openPage(suite.browser);
  const clients = [];
  try {
    await page.goto(`${publicUrl}/developers`);
    await signInWithEmail(page, newEmail('reviewed-developer'));
    const ids = [];
    for (const name of ['Review Approve', 'Review Reject']) {
      await page.goto(`${publicUrl}/developers/new`);
      await page.getByTestId('app-name').fill(name);
      await page.getByTestId('app-description').fill('Reads the balance.');
      await page.getByTestId('app-redirect-uris').fill(`${suite.listener.url}/callback/review/${randomUUID()}`);
      await page.getByTestId('app-scope-read').check();
      await submit(page, 'submit-app');
      await page.waitForURL((url) => url.pathname.startsWith('/developers/apps/'));
      ids.push(new URL(page.url()).pathname.split('/')[3]);
    }

    const operator = await openPage(suite.browser);
    try {
      await operator.goto(`${adminUrl}/review/apps`);
      const approveItem = operator.getByTestId('app').filter({ hasText: 'Review Approve' });
      await screenshot(operator, 'developers-review');
      const approved = operator.waitForEvent('framenavigated', (frame) => frame === operator.mainFrame());
      await approveItem.getByTestId('approve').click();
      await approved;
      assert.equal(await operator.getByTestId('notice').textContent(), 'Review Approve was approved.');

      const rejectItem = operator.getByTestId('app').filter({ hasText: 'Review Reject' });
      await rejectItem.getByTestId('reason').fill('Not a wallet app');
      const rejected = operator.waitForEvent('framenavigated', (frame) => frame === operator.mainFrame());
      await rejectItem.getByTestId('reject').click();
      await rejected;
      assert.equal(await operator.getByTestId('notice').textContent(), 'Review Reject was rejected.');
    } finally {
      await closePage(operator);
    }

    const [first, second] = await Promise.all(ids.map((id) => glintApps('show', id)));
    assert.equal(first.status, 'approved');
    clients.push(first.client_id);
    assert.equal(second.status, 'rejected');
    assert.equal(second.message, 'Not a wallet app');
    await page.goto(`${publicUrl}/developers/apps/${ids[1]}`);
    assert.equal(await page.getByTestId('app-status').textContent(), 'Rejected');
  } finally {
    await closePage(page);
    for (const id of clients) {
      await deleteClientQuietly(id);
    }
  }
});
