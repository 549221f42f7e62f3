// Wrong email codes in Chromium: the message the user sees, a code that dies after too many wrong
// tries, and an email that is blocked after too many failures (the limits of src/Glint.Login/LoginOptions.cs:
// 3 wrong tries per code, 6 failures per email within an hour).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { publicUrl } from './helpers.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, readCode, submitCode, submitEmail } from './chromium.js';

const WRONG_TRIES_PER_CODE = 3;

const suite = browserSuite();

/** A six-digit code that is certainly not `code`. */
function wrongCode(code, offset = 1) {
  return String((Number(code) + offset) % 1_000_000).padStart(6, '0');
}

async function errorShown(page) {
  const alert = page.getByTestId('error');
  assert.equal(await alert.getAttribute('role'), 'alert', 'the error is announced to screen readers');
  return (await alert.textContent()).trim();
}

it('a wrong code shows what is wrong, and the right code then signs the user in to the app', async () => {
  const page = await openPage(suite.browser);
  try {
    const app = await ClientApp.register(suite.listener, 'browser-wrong-code');
    const email = newEmail('typo');
    const request = app.authorization('read');
    await page.goto(request.url);
    await submitEmail(page, email);
    const code = await readCode(email);

    await submitCode(page, wrongCode(code));
    await expectPage(page, '/login/code');
    assert.equal(await errorShown(page), 'That code is not right. Check the email and try again.');
    assert.equal(await page.getByTestId('code').inputValue(), '', 'the wrong code is not kept in the field');

    await submitCode(page, code);
    await expectPage(page, '/consent');
    await page.getByTestId('allow').click();
    const params = await app.callback(page, request);
    assert.ok(params.get('code'), `the app gets a code: ${params}`);
  } finally {
    await closePage(page);
  }
});

it('after too many wrong tries the code is dead, and after too many failures the email is blocked', async () => {
  const page = await openPage(suite.browser);
  try {
    const email = newEmail('guesser');
    await page.goto(`${publicUrl}/login`);

    // The first code: three wrong tries, then even the right code is refused.
    await submitEmail(page, email);
    const first = await readCode(email);
    for (let attempt = 1; attempt <= WRONG_TRIES_PER_CODE; attempt += 1) {
      await submitCode(page, wrongCode(first, attempt));
      assert.equal(await errorShown(page), 'That code is not right. Check the email and try again.', `wrong try ${attempt}`);
    }
    await submitCode(page, first);
    assert.equal(await errorShown(page), 'This code has had too many wrong tries. Please request a new code.');
    assert.equal(await page.getByTestId('code').count(), 0, 'the dead code cannot be tried again');

    // A new code: three more failures make six for this email, and then it is blocked.
    await page.getByTestId('start-over').click();
    await submitEmail(page, email);
    const second = await readCode(email);
    for (let attempt = 1; attempt <= WRONG_TRIES_PER_CODE; attempt += 1) {
      await submitCode(page, wrongCode(second, attempt));
      assert.equal(await errorShown(page), 'That code is not right. Check the email and try again.', `wrong try ${attempt} of the second code`);
    }
    await submitCode(page, second);
    assert.equal(await errorShown(page), 'Too many attempts. Please wait a while before you try again.');

    // Blocked means blocked: a fresh, right code does not get in either.
    await page.goto(`${publicUrl}/login`);
    await submitEmail(page, email);
    await submitCode(page, await readCode(email));
    await expectPage(page, '/login/code');
    assert.equal(await errorShown(page), 'Too many attempts. Please wait a while before you try again.');
  } finally {
    await closePage(page);
  }
});
