// Two-step sign-in in Chromium: a user turns TOTP on at /account/totp with the key the page shows, and
// from then on an app's sign-in asks for the authenticator code after the email code.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeJwt } from 'jose';
import * as OTPAuth from 'otpauth';
import { publicUrl, scopes } from './helpers.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, screenshot, signInWithEmail, submit } from './chromium.js';

const suite = browserSuite();

/** What an authenticator app computes from the key; `stepsAhead` picks a later 30-second step. */
function authenticatorCode(secret, stepsAhead = 0) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

it('a user turns on TOTP at /account/totp, and a later sign-in from an app needs the authenticator code', async () => {
  const email = newEmail('totp-user');
  let secret;
  let enrolmentCode;

  const account = await openPage(suite.browser);
  try {
    await account.goto(`${publicUrl}/login`);
    await signInWithEmail(account, email);
    await expectPage(account, '/account');
    assert.equal(await account.getByTestId('account-email').textContent(), email);

    await account.getByTestId('manage-totp').click();
    await expectPage(account, '/account/totp');
    assert.ok(await account.getByTestId('totp-qr').isVisible(), 'the QR code is shown');
    secret = (await account.getByTestId('totp-secret').textContent()).trim();
    assert.match(secret, /^[A-Z2-7]{16,}=*$/, 'the key is base32');
    await screenshot(account, 'account-totp');
    enrolmentCode = authenticatorCode(secret);
    await account.getByTestId('totp').fill(enrolmentCode);
    await account.getByTestId('enable-totp').click();
    await expectPage(account, '/account');
    assert.equal(await account.getByTestId('notice').textContent(), 'Two-step sign-in is on.');
  } finally {
    await closePage(account);
  }

  // A new device: an app asks the same user to sign in.
  const page = await openPage(suite.browser);
  try {
    const app = await ClientApp.register(suite.listener, 'browser-totp');
    const request = app.authorization('openid read');
    await page.goto(request.url);
    await signInWithEmail(page, email);
    await expectPage(page, '/login/totp');
    await screenshot(page, 'login-totp');
    // A code works once: the one the enrolment used is refused, with a message that says so.
    await page.getByTestId('totp').fill(enrolmentCode);
    await submit(page, 'verify-totp');
    await expectPage(page, '/login/totp');
    assert.equal(
      (await page.getByTestId('error').textContent()).trim(),
      'That authenticator code is not right, or it was already used. Enter the next code your app shows.',
    );
    // So the next 30-second step's code: Glint accepts a code one step ahead, for clock drift.
    await page.getByTestId('totp').fill(authenticatorCode(secret, 1));
    await page.getByTestId('verify-totp').click();
    await expectPage(page, '/consent');
    await page.getByTestId('allow').click();

    const params = await app.callback(page, request);
    const tokens = await app.redeem(params.get('code'), request);
    assert.deepEqual(scopes(tokens.scope), ['openid', 'read']);
    assert.deepEqual(decodeJwt(tokens.id_token).amr, ['email', 'totp'], 'the ID token says both factors were used');
    assert.deepEqual(page.dialogs, []);
  } finally {
    await closePage(page);
  }
});
