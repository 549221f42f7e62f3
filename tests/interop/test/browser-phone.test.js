// Phone sign-in in Chromium: the built-in login page takes a phone number as well as an email, the code
// goes out as a text message (kept by the dev outbox, which `glint dev outbox` shows), and it signs the
// user in to the app. A new number opens an account; the same number later signs in to the same user.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeJwt } from 'jose';
import { publicUrl } from './helpers.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, openPage, readOutbox, screenshot, submit, submitCode } from './chromium.js';

const suite = browserSuite();

/** A French mobile number (+33 6 1x xx xx xx, a range where every number is valid) as a person types it, and in E.164. */
function newPhone() {
  const digits = `1${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  return {
    typed: `+33 6 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6)}`,
    e164: `+336${digits}`,
  };
}

async function submitPhone(page, phone) {
  await expectPage(page, '/login');
  await page.getByTestId('email').fill(phone);
  await submit(page, 'send-code');
}

/** Signs in to `app` with the phone number and the texted code; returns the ID token's claims. */
async function signInToApp(page, app, phone) {
  const request = app.authorization('openid read');
  await page.goto(request.url);
  await submitPhone(page, phone.typed);
  await expectPage(page, '/login/code');
  const sms = await readOutbox(phone.e164);
  assert.match(sms.subject, /^SMS: /, 'the outbox shows the message as a text message');
  await submitCode(page, sms.code);
  await expectPage(page, '/consent');
  await page.getByTestId('allow').click();
  const params = await app.callback(page, request);
  const tokens = await app.redeem(params.get('code'), request);
  return decodeJwt(tokens.id_token);
}

it('a user signs in to an app with a phone number and the code texted to it, and again later as the same user', async () => {
  const app = await ClientApp.register(suite.listener, 'browser-phone');
  const phone = newPhone();

  const page = await openPage(suite.browser);
  let first;
  try {
    const request = app.authorization('openid read');
    await page.goto(request.url);
    await submitPhone(page, phone.typed);
    await expectPage(page, '/login/code');
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Check your text messages');
    assert.equal((await page.getByTestId('sent-to').textContent()).trim(), phone.e164, 'the number is shown as Glint stored it');
    await screenshot(page, 'login-phone-code');
    await submitCode(page, (await readOutbox(phone.e164)).code);
    await expectPage(page, '/consent');
    await page.getByTestId('allow').click();
    const params = await app.callback(page, request);
    first = decodeJwt((await app.redeem(params.get('code'), request)).id_token);
    // A one-method amr comes out as a plain string today (so does an email-only sign-in's); see the issue note.
    assert.deepEqual([first.amr].flat(), ['sms'], 'the ID token says the user proved the phone');
    assert.deepEqual(page.dialogs, []);
  } finally {
    await closePage(page);
  }

  const again = await openPage(suite.browser);
  try {
    const second = await signInToApp(again, app, phone);
    assert.equal(second.sub, first.sub, 'the number signs in to the account it opened');
  } finally {
    await closePage(again);
  }
});

it('a number without its country code, or one that cannot exist, is refused with the rule', async () => {
  const page = await openPage(suite.browser);
  try {
    for (const typed of ['06 12 34 56 78', '+33 6 12']) {
      await page.goto(`${publicUrl}/login`);
      await submitPhone(page, typed);
      await expectPage(page, '/login');
      assert.equal(
        (await page.getByTestId('error').textContent()).trim(),
        'Enter a valid email address, like name@example.com, or a phone number with its country code, like +1 650 555 4350.',
        typed,
      );
      assert.equal(await page.getByTestId('email').inputValue(), typed, 'what the user typed is kept to correct');
    }
  } finally {
    await closePage(page);
  }
});
