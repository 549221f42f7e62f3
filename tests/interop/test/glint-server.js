// A throwaway Glint server for the tests that need settings of their own: `dotnet glint.dll` on a fresh
// SQLite file and free loopback ports, with the given environment, stopped and deleted afterwards.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 120_000;

/** A loopback port nothing listens on right now. */
export async function freePort() {
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
export async function startGlint(environment) {
  const dll = process.env.GLINT_SERVER_DLL;
  assert.ok(dll, 'GLINT_SERVER_DLL must name glint.dll (scripts/test sets it)');
  const directory = await mkdtemp(path.join(tmpdir(), 'glint-throwaway-'));
  const dsn = `sqlite://${path.join(directory, 'glint.db')}`;
  const publicPort = await freePort();
  const adminPort = await freePort();
  const env = { ...process.env, ...environment, SECRETS_SYSTEM: `throwaway-test-${randomBytes(16).toString('hex')}` };
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

export async function stopGlint(started) {
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
