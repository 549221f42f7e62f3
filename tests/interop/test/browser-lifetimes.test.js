// Configured lifetimes in Chromium: an email code that has expired is refused, and the pages promise the
// lifetimes that are configured, not the defaults. Nobody waits for a code to expire: this file starts a
// throwaway Glint server of its own whose codes live one millisecond (GLINT_LOGIN_CODE_TTL=1ms), so every
// code has expired by the time it is typed, and whose "Remember me" lasts two hours, on its own SQLite file
// and free loopback ports.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import { closePage, expectPage, launchChromium, newEmail, openPage, readOutbox, submitCode, submitEmail } from './chromium.js';
import { startGlint, stopGlint } from './glint-server.js';

const CODE_TTL = '1ms';
const REMEMBER_FOR = '2h';

let browser;
let server;

before(async () => {
  [server, browser] = await Promise.all([startGlint({ GLINT_LOGIN_CODE_TTL: CODE_TTL, GLINT_LOGIN_REMEMBER_FOR: REMEMBER_FOR }), launchChromium()]);
});

after(async () => {
  await browser?.close();
  if (server) {
    await stopGlint(server);
  }
});

it('an expired code is refused as no longer valid, and the page offers a new code', async () => {
  const page = await openPage(browser);
  try {
    const email = newEmail('slow');
    await page.goto(`${server.publicUrl}/login`);
    await submitEmail(page, email);
    // A lifetime under a second is promised as the whole second it rounds up to, not the default 15 minutes.
    assert.match(await page.locator('main').textContent(), /It expires in a second\./, 'the page states the configured lifetime');
    const mail = await readOutbox(email, server.dsn);
    assert.match(mail.body, /It expires in a second\./, 'so does the email');

    await submitCode(page, mail.code);
    await expectPage(page, '/login/code');
    assert.equal(
      (await page.getByTestId('error').textContent()).trim(),
      'This sign-in attempt is no longer valid. Please request a new code.',
    );
    assert.equal(await page.getByTestId('code').count(), 0, 'the expired code cannot be tried again');
    await page.getByTestId('start-over').click();
    await expectPage(page, '/login');
  } finally {
    await closePage(page);
  }
});

it('the login page offers "Remember me" for the configured time', async () => {
  const response = await fetch(`${server.adminUrl}/admin/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Lifetimes',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'read',
      redirect_uris: ['http://127.0.0.1:9/callback'],
    }),
  });
  const client = await response.json();
  assert.equal(response.status, 201, JSON.stringify(client));

  const page = await openPage(browser);
  try {
    const authorization = new URL(`${server.publicUrl}/oauth2/auth`);
    authorization.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'read',
      state: randomBytes(16).toString('hex'),
    }).toString();
    await page.goto(authorization.href);
    await expectPage(page, '/login');
    assert.equal(await page.getByLabel(/^Remember me/).getAttribute('data-testid'), 'remember');
    assert.equal((await page.locator('label[for=remember]').textContent()).trim(), 'Remember me on this device for 2 hours');
  } finally {
    await closePage(page);
  }
});
