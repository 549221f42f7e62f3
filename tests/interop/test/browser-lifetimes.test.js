// Configured lifetimes in Chromium: an email code that has expired is refused, and the pages promise the
// lifetimes that are configured, not the defaults. Waiting 15 minutes is not an option, so this file
// starts a throwaway Glint server of its own whose codes live two seconds (GLINT_LOGIN_CODE_TTL=2s) and
// whose "Remember me" lasts two hours, on its own SQLite file and free loopback ports.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { closePage, expectPage, launchChromium, newEmail, openPage, readOutbox, submitCode, submitEmail } from './chromium.js';

const CODE_TTL_SECONDS = 2;
const REMEMBER_FOR = '2h';
const READY_TIMEOUT_MS = 120_000;

let browser;
let server;

/** A loopback port nothing listens on right now. */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Starts `dotnet glint.dll` on a fresh SQLite file with the given environment; resolves once it is ready. */
async function startGlint(environment) {
  const dll = process.env.GLINT_SERVER_DLL;
  assert.ok(dll, 'GLINT_SERVER_DLL must name glint.dll (scripts/test sets it)');
  const directory = await mkdtemp(path.join(tmpdir(), 'glint-lifetimes-'));
  const dsn = `sqlite://${path.join(directory, 'glint.db')}`;
  const publicPort = await freePort();
  const adminPort = await freePort();
  const env = { ...process.env, ...environment, SECRETS_SYSTEM: `lifetimes-test-${randomBytes(16).toString('hex')}` };
  // The server under test's settings must not leak into this one.
  for (const name of ['DSN', 'GLINT_DSN', 'URLS_SELF_ISSUER', 'GLINT_ISSUER', 'URLS_LOGIN', 'URLS_CONSENT', 'URLS_LOGOUT']) {
    delete env[name];
  }
  const child = spawn('dotnet', [dll, '--dsn', dsn, '--public-port', String(publicPort), '--admin-port', String(adminPort)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-8_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Should this process die without its after() hook, the server must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const started = {
    child,
    exited,
    directory,
    dsn,
    publicUrl: `http://127.0.0.1:${publicPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    log: () => log,
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the throwaway Glint server exited with ${child.exitCode} before it was ready:\n${log}`);
    }
    const ready = await fetch(`http://127.0.0.1:${adminPort}/health/ready`).then((response) => response.ok, () => false);
    if (ready) {
      return started;
    }
    await sleep(500);
  }
  await stopGlint(started);
  throw new Error(`the throwaway Glint server was not ready in time:\n${log}`);
}

async function stopGlint(started) {
  if (started.child.exitCode === null) {
    started.child.kill('SIGTERM');
    const stopped = await Promise.race([started.exited.then(() => true), sleep(15_000).then(() => false)]);
    if (!stopped) {
      started.child.kill('SIGKILL');
      await started.exited;
    }
  }
  await rm(started.directory, { recursive: true, force: true });
}

before(async () => {
  [server, browser] = await Promise.all([startGlint({ GLINT_LOGIN_CODE_TTL: `${CODE_TTL_SECONDS}s`, GLINT_LOGIN_REMEMBER_FOR: REMEMBER_FOR }), launchChromium()]);
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
    assert.match(await page.locator('main').textContent(), /It expires in 2 seconds\./, 'the page states the configured lifetime');
    const mail = await readOutbox(email, server.dsn);
    assert.match(mail.body, /It expires in 2 seconds\./, 'so does the email');
    // Past the code's lifetime by the server's own clock of when it was sent.
    const expiredAt = Date.parse(mail.created_at) + CODE_TTL_SECONDS * 1000;
    await sleep(Math.max(0, expiredAt + 1000 - Date.now()));

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
