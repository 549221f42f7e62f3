// The real-browser side of the login page tests: Debian's Chromium driven by playwright-core, the dev
// outbox the email codes land in, and the steps every test walks through on Glint's pages.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { CallbackListener, deleteRegisteredClients } from './client-app.js';

const CHROMIUM = '/usr/bin/chromium';
const INTEROP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = process.env.GLINT_ARTIFACTS_DIR || path.join(INTEROP_ROOT, 'artifacts');

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/** One Chromium per test file. A missing browser is a failure, never a skip. */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (scripts/test does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/**
 * What every browser test file needs: one Chromium and one listener for the apps' redirects, started before its
 * tests and stopped after them, with the clients they registered deleted. The browser exists once `before` ran.
 */
export function browserSuite() {
  const suite = { browser: undefined, listener: new CallbackListener() };
  before(async () => {
    await suite.listener.start();
    suite.browser = await launchChromium();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.listener.stop();
    await deleteRegisteredClients();
  });
  return suite;
}

/**
 * A fresh context (no cookies) and its page. Requests that would leave the machine (a client's https
 * logo, say) are answered locally with a small image, so the tests never depend on the network. Every
 * dialog is recorded and dismissed: a dialog can only come from injected script. `options` go to
 * browser.newContext ({ javaScriptEnabled: false }, say).
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', ...options });
  context.setDefaultTimeout(30_000);
  await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname), (route) => route.fulfill({
    status: 200,
    contentType: 'image/svg+xml',
    body: '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48"><rect width="48" height="48" fill="#888"/></svg>',
  }));
  const page = await context.newPage();
  page.dialogs = [];
  page.on('dialog', (dialog) => {
    page.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  // Every document the main frame showed (redirects in between are not documents).
  page.shown = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) {
      page.shown.push(frame.url());
    }
  });
  return page;
}

export async function closePage(page) {
  await page.context().close();
}

/** A new address for a new user. */
export function newEmail(label) {
  return `${label}-${randomUUID()}@example.com`;
}

/**
 * The newest code the dev outbox holds for `email`, read with `glint dev outbox` from the database of
 * the server under test (or another server's, for the tests that start their own).
 */
export async function readOutbox(email, dsn = process.env.GLINT_SERVER_DSN) {
  const dll = process.env.GLINT_SERVER_DLL;
  if (!dll || !dsn) {
    throw new Error('GLINT_SERVER_DLL and GLINT_SERVER_DSN must name glint.dll and the DSN of the server under test (scripts/test sets them)');
  }
  const { stdout } = await promisify(execFile)('dotnet', [dll, 'dev', 'outbox', '--dsn', dsn, '--json', '--to', email, '--last', '1'], {
    env: { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    timeout: 120_000,
  });
  const [message] = JSON.parse(stdout);
  assert.ok(message, `the dev outbox has no mail to ${email}`);
  assert.match(message.code ?? '', /^\d{6}$/, `the mail to ${email} carries a six-digit code: ${JSON.stringify(message)}`);
  return message;
}

export async function readCode(email, dsn) {
  return (await readOutbox(email, dsn)).code;
}

/** Where the page is, for failure messages: its URL and any error it shows. */
async function whereIs(page) {
  const error = await page.getByTestId('error').allTextContents().catch(() => []);
  return `${page.url()}${error.length ? ` showing error "${error.join(' ')}"` : ''}`;
}

/** Waits until the page shows one of Glint's pages (by path), and says where it is instead if not. */
export async function expectPage(page, pathname) {
  try {
    await page.waitForURL((url) => url.pathname === pathname, { timeout: 30_000 });
  } catch (error) {
    assert.fail(`expected Glint's ${pathname} page, the browser is at ${await whereIs(page)} (${error.message.split('\n')[0]})`);
  }
}

/**
 * Clicks a button that submits a form and waits until the document it leads to has loaded, so that
 * the next look at the page never sees the previous one (a refused code re-renders the same URL).
 */
export async function submit(page, testId) {
  const loaded = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await page.getByTestId(testId).click();
  await loaded;
  await page.waitForLoadState();
}

/** The first login step: the email, optionally "Remember me"; ends on the code page. */
export async function submitEmail(page, email, { remember = false } = {}) {
  await expectPage(page, '/login');
  await page.getByTestId('email').fill(email);
  if (remember) {
    await page.getByTestId('remember').check();
  }
  await submit(page, 'send-code');
  await expectPage(page, '/login/code');
}

/** Types a code on the code page and submits it. */
export async function submitCode(page, code) {
  await page.getByTestId('code').fill(code);
  await submit(page, 'verify-code');
}

/** The whole email step: address, the code from the dev outbox; the browser goes wherever Glint sends it next. */
export async function signInWithEmail(page, email, options) {
  await submitEmail(page, email, options);
  await submitCode(page, await readCode(email));
}

/**
 * Screenshots of the page on a desktop and on a 375 px wide phone, saved as test artifacts. On the
 * phone the page must fit the width: nothing may need sideways scrolling.
 */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  try {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the ${name} page is ${overflow}px wider than a ${PHONE.width}px phone screen`);
  } finally {
    await page.setViewportSize(DESKTOP);
  }
}
