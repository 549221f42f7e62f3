// Callback endpoints (webhooks) against a throwaway Glint server that allows loopback receivers
// (GLINT_WEBHOOKS_ALLOW_HTTP, GLINT_WEBHOOKS_ALLOW_PRIVATE_TARGETS) and retries after a second
// (GLINT_WEBHOOKS_RETRY_DELAYS), so that a retried delivery arrives within the test. Two users sign in on
// the account pages, make an API key there, register a receiver on loopback with callbackEndpointAdd and
// read its signing secret from the callback portal. Every delivery is verified, unchanged, by both the
// `svix` and the `standardwebhooks` packages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Webhook as SvixWebhook } from 'svix';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Browser } from './browser.js';
import { readCode } from './chromium.js';
import { startGlint, stopGlint } from './glint-server.js';

const WAIT_MS = 30_000;

/**
 * A webhook receiver on loopback. Each request is recorded by path; `answers[path](index)` says how to
 * answer the path's index-th request: a status code, or 'hang' to never answer.
 */
async function startReceiver() {
  const received = [];
  const waiters = [];
  const counts = new Map();
  const answers = {};
  const unanswered = [];
  const flush = () => {
    for (let i = waiters.length - 1; i >= 0; i -= 1) {
      const found = received.findIndex((request) => request.path === waiters[i].path);
      if (found >= 0) {
        waiters[i].resolve(received.splice(found, 1)[0]);
        waiters.splice(i, 1);
      }
    }
  };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url, 'http://receiver').pathname.slice(1);
      const index = counts.get(path) ?? 0;
      counts.set(path, index + 1);
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      flush();
      const answer = (answers[path] ?? (() => 200))(index);
      if (answer === 'hang') {
        const held = { path, closedAt: undefined };
        unanswered.push(held);
        response.on('close', () => { held.closedAt = Date.now(); });
        return;
      }
      response.statusCode = answer;
      response.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    answers,
    unanswered,
    url: (path) => `${base}/${path}`,
    next(path) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no callback at /${path} within ${WAIT_MS} ms`)), WAIT_MS);
        waiters.push({ path, resolve: (request) => { clearTimeout(timer); resolve(request); } });
        flush();
      });
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/** The hidden inputs of a page's forms, first of each name (the CSRF token among them). */
function hiddenFields(html) {
  const fields = new Map();
  for (const [input] of html.matchAll(/<input[^>]*>/g)) {
    const attribute = (name) => input.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
    if (attribute('type') === 'hidden' && attribute('name') && !fields.has(attribute('name'))) {
      fields.set(attribute('name'), (attribute('value') ?? '').replaceAll('&#x2B;', '+').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=').replaceAll('&amp;', '&'));
    }
  }
  return fields;
}

/** Submits a form of `html` to `url` with its hidden fields and `fields` (pairs, so a name may repeat). */
async function submit(browser, url, html, fields) {
  const hidden = hiddenFields(html);
  for (const [name] of fields) {
    hidden.delete(name);
  }
  const body = new URLSearchParams([...hidden, ...fields]).toString();
  return browser.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
}

function testId(html, id) {
  const match = html.match(new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`));
  assert.ok(match, `the page shows no ${id}:\n${html.slice(0, 2000)}`);
  return match[1].trim().replaceAll('&#x2B;', '+').replaceAll('&#x2F;', '/').replaceAll('&#x3D;', '=');
}

/** Signs in on the account pages with an emailed code (the user is opened at the first sign-in). */
async function signIn(server, email) {
  const browser = new Browser();
  const login = await browser.request(`${server.publicUrl}/login`);
  assert.equal(login.status, 200, login.text.slice(0, 500));
  const sent = await submit(browser, `${server.publicUrl}/login`, login.text, [['Email', email], ['Action', 'next']]);
  assert.ok(sent.location, `expected the code page, got ${sent.status}\n${browser.trail()}`);
  const codePage = await browser.request(sent.location);
  const verified = await submit(browser, sent.location, codePage.text, [['Code', await readCode(email, server.dsn)]]);
  assert.equal(new URL(verified.location ?? 'http://x/none').pathname, '/account', `sign-in did not reach /account\n${browser.trail()}`);
  return browser;
}

/** An API key with read and write made on the account pages. */
async function createApiKey(server, browser) {
  const url = `${server.publicUrl}/account/api-keys`;
  const page = await browser.request(url);
  const created = await submit(browser, `${url}?handler=Create`, page.text, [['Name', 'webhooks'], ['Scopes', 'read'], ['Scopes', 'write']]);
  return testId(created.text, 'api-key-secret');
}

/** The signing secret of an endpoint, revealed on the callback portal. */
async function revealSecret(server, browser, endpointId) {
  const url = `${server.publicUrl}/account/callbacks`;
  const page = await browser.request(url);
  assert.equal(page.status, 200, page.text.slice(0, 500));
  const revealed = await submit(browser, `${url}?handler=Reveal`, page.text, [['EndpointId', endpointId]]);
  return testId(revealed.text, 'endpoint-secret');
}

async function gql(server, apiKey, query, variables) {
  const response = await fetch(`${server.publicUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

async function addEndpoint(server, user, url) {
  const data = await gql(server, user.apiKey,
    'mutation Add($input: CallbackEndpointAddInput!) { callbackEndpointAdd(input: $input) { id errors { code message } } }', { input: { url } });
  assert.deepEqual(data.callbackEndpointAdd.errors, []);
  return data.callbackEndpointAdd.id;
}

/** Both libraries verify the delivery unchanged; returns the payload. */
function verify(request, secret) {
  const headers = {
    'webhook-id': request.headers['webhook-id'],
    'webhook-timestamp': request.headers['webhook-timestamp'],
    'webhook-signature': request.headers['webhook-signature'],
  };
  // svix's verify throws on a bad signature (this version returns nothing on a good one).
  new SvixWebhook(secret).verify(request.body, headers);
  assert.throws(() => new SvixWebhook(secret).verify(request.body, { ...headers, 'webhook-id': 'msg_other' }), 'another id must not verify');
  const byStandard = new StandardWebhook(secret).verify(request.body, headers);
  assert.throws(() => new StandardWebhook(secret).verify(`${request.body} `, headers), 'a changed body must not verify');
  return byStandard;
}

async function openUser(server, label) {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const browser = await signIn(server, email);
  const apiKey = await createApiKey(server, browser);
  const data = await gql(server, apiKey, 'query { me { defaultAccount { id wallets { id walletCurrency } } } }');
  const account = data.me.defaultAccount;
  return { email, browser, apiKey, accountId: account.id, btcWalletId: account.wallets.find((wallet) => wallet.walletCurrency === 'BTC').id };
}

describe('Callback endpoints, verified with svix and standardwebhooks', { skip: !process.env.GLINT_SERVER_DLL && 'GLINT_SERVER_DLL is not set' }, () => {
  let server;
  let receiver;
  let payer;
  let payee;
  const secrets = {};

  const pay = async (amount) => {
    const data = await gql(server, payer.apiKey, 'mutation Pay($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status errors { message } } }',
      { input: { walletId: payer.btcWalletId, recipientWalletId: payee.btcWalletId, amount } });
    assert.equal(data.intraLedgerPaymentSend.status, 'SUCCESS', JSON.stringify(data));
  };

  before(async () => {
    [server, receiver] = await Promise.all([
      startGlint({ GLINT_WEBHOOKS_ALLOW_HTTP: 'true', GLINT_WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true', GLINT_WEBHOOKS_RETRY_DELAYS: '1s,1s,1s' }),
      startReceiver(),
    ]);
    payer = await openUser(server, 'payer');
    payee = await openUser(server, 'payee');
    execFileSync('dotnet', [process.env.GLINT_SERVER_DLL, 'wallets', 'credit', '--wallet', payer.btcWalletId, '--amount', '100000', '--memo', 'webhooks', '--dsn', server.dsn],
      { encoding: 'utf8', env: { ...process.env, DOTNET_NOLOGO: '1' } });
    for (const [user, path] of [[payer, 'payer'], [payee, 'payee']]) {
      const id = await addEndpoint(server, user, receiver.url(path));
      secrets[path] = await revealSecret(server, user.browser, id);
      assert.match(secrets[path], /^whsec_/);
    }
  });

  after(async () => {
    await receiver?.close();
    if (server) {
      await stopGlint(server);
    }
  });

  it('delivers an intra-ledger payment once to each user, signed', async () => {
    await pay(1_000);

    const [sent, got] = await Promise.all([receiver.next('payer'), receiver.next('payee')]);
    const sentPayload = verify(sent, secrets.payer);
    const gotPayload = verify(got, secrets.payee);
    assert.equal(sentPayload.eventType, 'send.intraledger');
    assert.equal(sentPayload.accountId, payer.accountId);
    assert.equal(sentPayload.walletId, payer.btcWalletId);
    assert.equal(sentPayload.transaction.settlementAmount, -1_000);
    assert.equal(gotPayload.eventType, 'receive.intraledger');
    assert.equal(gotPayload.walletId, payee.btcWalletId);
    assert.equal(gotPayload.transaction.settlementAmount, 1_000);
    assert.equal(gotPayload.transaction.initiationVia.counterPartyWalletId, payer.btcWalletId);
    assert.notEqual(sent.headers['webhook-id'], got.headers['webhook-id']);
  });

  it('delivers a paid Lightning invoice as send.lightning and receive.lightning', async () => {
    const created = await gql(server, payee.apiKey,
      'mutation Create($input: LnInvoiceCreateInput!) { lnInvoiceCreate(input: $input) { errors { message } invoice { paymentRequest paymentHash } } }',
      { input: { walletId: payee.btcWalletId, amount: 2_500 } });
    const { paymentRequest, paymentHash } = created.lnInvoiceCreate.invoice;
    const paid = await gql(server, payer.apiKey, 'mutation Pay($input: LnInvoicePaymentInput!) { lnInvoicePaymentSend(input: $input) { status } }',
      { input: { walletId: payer.btcWalletId, paymentRequest } });
    assert.equal(paid.lnInvoicePaymentSend.status, 'SUCCESS');

    const [sent, got] = await Promise.all([receiver.next('payer'), receiver.next('payee')]);
    assert.equal(verify(sent, secrets.payer).eventType, 'send.lightning');
    const gotPayload = verify(got, secrets.payee);
    assert.equal(gotPayload.eventType, 'receive.lightning');
    assert.equal(gotPayload.transaction.initiationVia.paymentHash, paymentHash);
    assert.equal(gotPayload.transaction.settlementAmount, 2_500);
  });

  it('gets the event to a receiver that answers 500 twice on the third attempt', async () => {
    receiver.answers.flaky = (index) => (index < 2 ? 500 : 200);
    const id = await addEndpoint(server, payee, receiver.url('flaky'));
    const secret = await revealSecret(server, payee.browser, id);

    await pay(300);

    const attempts = [await receiver.next('flaky'), await receiver.next('flaky'), await receiver.next('flaky')];
    await receiver.next('payer');
    await receiver.next('payee');
    const ids = new Set(attempts.map((attempt) => attempt.headers['webhook-id']));
    assert.equal(ids.size, 1, 'every attempt carries the same webhook-id');
    assert.equal(verify(attempts[2], secret).eventType, 'receive.intraledger');
    assert.ok(attempts[1].at >= attempts[0].at + 900 && attempts[2].at >= attempts[1].at + 900, 'each retry waits its delay');
  });

  it('answers a payment before the first attempt at a receiver that never answers times out', async () => {
    receiver.answers.dead = () => 'hang';
    await addEndpoint(server, payer, receiver.url('dead'));

    const started = Date.now();
    await pay(200);
    const answeredAt = Date.now();

    const attempt = await receiver.next('dead');
    await receiver.next('payer');
    await receiver.next('payee');
    const held = receiver.unanswered.find((request) => request.path === 'dead');
    // The attempt is cut off after 10 s; wait for that, to show it came after the payment's answer.
    const deadline = Date.now() + WAIT_MS;
    while (held.closedAt === undefined && Date.now() < deadline) {
      await new Promise((resolve) => { setTimeout(resolve, 100); });
    }
    assert.ok(held.closedAt !== undefined, 'Glint gives up on the attempt');
    assert.ok(answeredAt < held.closedAt, `the payment answered (${answeredAt - started} ms) before the attempt timed out`);
    assert.ok(attempt.at <= held.closedAt);
  });
});
