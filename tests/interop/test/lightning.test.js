// Lightning invoices against a running Glint, as Blink's PoS uses them: the merchant's default wallet by
// username, an invoice created on the merchant's behalf without credentials, decoded by an independent BOLT 11
// decoder (bolt11), watched over graphql-ws (the graphql-ws client on ws), paid by another user, and the ledger
// verified with the operator CLI afterwards.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decode } from 'bolt11';
import { createClient } from 'graphql-ws/client';
import WebSocket from 'ws';
import { publicUrl, basicAuthorization } from './helpers.js';
import { glint, graphql, operatorUnavailable } from './api.js';
import { Browser, authorize, createAuthCodeClient } from './flow.js';

/** An access token for `userId` through the authorization code flow, with `scope` granted. */
async function accessToken(userId, scope) {
  const oauthClient = await createAuthCodeClient('lightning', { scope, response_types: ['code'] });
  const redirectUri = oauthClient.redirect_uris[0];
  const state = randomUUID();
  const url = new URL(`${publicUrl}/oauth2/auth`);
  url.search = new URLSearchParams({ client_id: oauthClient.client_id, response_type: 'code', scope, redirect_uri: redirectUri, state }).toString();
  const callback = await authorize(new Browser(), url.href, { subject: userId, redirectUri });
  const response = await fetch(`${publicUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(oauthClient.client_id, oauthClient.client_secret) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: redirectUri }),
  });
  const tokens = await response.json();
  assert.equal(response.status, 200, JSON.stringify(tokens));
  return tokens.access_token;
}

/** A graphql-ws client; subscriptions yield their messages into an async queue. */
function wsClient(connectionParams) {
  return createClient({ url: `${publicUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams, lazy: true, retryAttempts: 0 });
}

function subscribe(client, query, variables) {
  const received = [];
  const waiting = [];
  let failure;
  const deliver = () => {
    while (waiting.length > 0 && (received.length > 0 || failure)) {
      const { resolve, reject } = waiting.shift();
      if (received.length > 0) {
        resolve(received.shift());
      } else {
        reject(failure);
      }
    }
  };
  const dispose = client.subscribe({ query, variables }, {
    next: (value) => { received.push(value); deliver(); },
    error: (error) => { failure = error instanceof Error ? error : new Error(JSON.stringify(error)); deliver(); },
    complete: () => { failure ??= new Error('completed'); deliver(); },
  });
  return {
    dispose,
    next: () => new Promise((resolve, reject) => { waiting.push({ resolve, reject }); deliver(); }),
  };
}

/** Resolves once every subscription sent on `client` is in place: the server handles a connection's messages in order. */
async function subscribed(client) {
  const probe = subscribe(client, 'subscription($input: LnInvoicePaymentStatusByHashInput!) { lnInvoicePaymentStatusByHash(input: $input) { status } }',
    { input: { paymentHash: '0'.repeat(64) } });
  await probe.next();
}

const regtest = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] };

const myUpdates = `subscription { myUpdates { errors { message } me { id }
  update { __typename ... on LnUpdate { paymentHash status transaction { settlementAmount } }
    ... on IntraLedgerUpdate { txNotificationType transaction { settlementAmount initiationVia { __typename } } } } } }`;

describe('Lightning invoices (PoS flow over graphql-ws)', { skip: operatorUnavailable }, () => {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 10);
  let merchant;
  let payer;
  let merchantToken;
  let payerToken;
  const clients = [];

  before(async () => {
    merchant = glint('users', 'create', '--email', `merchant-${suffix}@example.com`, '--username', `merchant_${suffix}`);
    payer = glint('users', 'create', '--email', `payer-${suffix}@example.com`, '--username', `payer_${suffix}`);
    glint('wallets', 'credit', '--wallet', payer.btc_wallet_id, '--amount', '100000', '--memo', 'interop funding');
    merchantToken = await accessToken(merchant.user_id, 'read');
    payerToken = await accessToken(payer.user_id, 'read write');
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('an invoice created on behalf of a username decodes with bolt11, and its subscription reports PAID when another user pays', async () => {
    const { accountDefaultWallet: wallet } = await graphql('query($username: Username!) { accountDefaultWallet(username: $username) { id currency } }',
      { username: `merchant_${suffix}` });
    assert.equal(wallet.currency, 'BTC');
    const { lnInvoiceCreateOnBehalfOfRecipient: created } = await graphql(`mutation($input: LnInvoiceCreateOnBehalfOfRecipientInput!) {
        lnInvoiceCreateOnBehalfOfRecipient(input: $input) { errors { message } invoice { paymentHash paymentRequest paymentStatus satoshis } } }`,
      { input: { recipientWalletId: wallet.id, amount: 21000, memo: 'two coffees' } });
    assert.deepEqual(created.errors, []);
    const invoice = created.invoice;
    assert.equal(invoice.paymentStatus, 'PENDING');

    // An independent decoder checks the signature, and recovers the node key that globals publishes.
    const decoded = decode(invoice.paymentRequest, regtest);
    const { globals } = await graphql('query { globals { network nodesIds } }');
    assert.equal(globals.network, 'regtest');
    assert.equal(decoded.payeeNodeKey, globals.nodesIds[0]);
    assert.equal(decoded.satoshis, 21000);
    assert.equal(decoded.tagsObject.payment_hash, invoice.paymentHash);
    assert.equal(decoded.tagsObject.description, 'two coffees');
    assert.equal(typeof decoded.tagsObject.payment_secret, 'string');
    assert.ok(decoded.timeExpireDate > Date.now() / 1000, 'not expired');

    const pos = wsClient({});
    const merchantSocket = wsClient({ 'Oauth2-Token': merchantToken });
    const payerSocket = wsClient({ Authorization: `Bearer ${payerToken}` });
    clients.push(pos, merchantSocket, payerSocket);
    const status = subscribe(pos, `subscription($input: LnInvoicePaymentStatusByHashInput!) {
      lnInvoicePaymentStatusByHash(input: $input) { errors { message } paymentHash status } }`, { input: { paymentHash: invoice.paymentHash } });
    const merchantUpdates = subscribe(merchantSocket, myUpdates);
    const payerUpdates = subscribe(payerSocket, myUpdates);
    await Promise.all([subscribed(pos), subscribed(merchantSocket), subscribed(payerSocket)]);

    const { lnInvoicePaymentSend: payment } = await graphql(`mutation($input: LnInvoicePaymentInput!) {
        lnInvoicePaymentSend(input: $input) { errors { message } status transaction { settlementAmount } } }`,
      { input: { walletId: payer.btc_wallet_id, paymentRequest: invoice.paymentRequest } }, payerToken);
    assert.deepEqual(payment.errors, []);
    assert.equal(payment.status, 'SUCCESS');
    assert.equal(payment.transaction.settlementAmount, -21000);

    const paid = await status.next();
    assert.equal(paid.data.lnInvoicePaymentStatusByHash.status, 'PAID');
    assert.equal(paid.data.lnInvoicePaymentStatusByHash.paymentHash, invoice.paymentHash);

    let received;
    do {
      received = (await merchantUpdates.next()).data.myUpdates;
    } while (received.update?.__typename !== 'LnUpdate');
    assert.equal(received.me.id, merchant.user_id);
    assert.equal(received.update.status, 'PAID');
    assert.equal(received.update.paymentHash, invoice.paymentHash);
    assert.equal(received.update.transaction.settlementAmount, 21000);
    const sent = (await payerUpdates.next()).data.myUpdates;
    assert.equal(sent.me.id, payer.user_id);
    assert.equal(sent.update.txNotificationType, 'IntraLedgerPayment');
    assert.equal(sent.update.transaction.settlementAmount, -21000);
    assert.equal(sent.update.transaction.initiationVia.__typename, 'InitiationViaLn');

    // Both balances moved by exactly the invoice's amount, and the ledger's invariants hold.
    const balances = 'query { me { defaultAccount { wallets { walletCurrency balance } } } }';
    const btc = (data) => data.me.defaultAccount.wallets.find((w) => w.walletCurrency === 'BTC').balance;
    assert.equal(btc(await graphql(balances, undefined, merchantToken)), 21000);
    assert.equal(btc(await graphql(balances, undefined, payerToken)), 100000 - 21000);
    assert.doesNotThrow(() => glint('ledger', 'verify'));

    // Paying again moves nothing.
    const { lnInvoicePaymentSend: again } = await graphql(`mutation($input: LnInvoicePaymentInput!) {
        lnInvoicePaymentSend(input: $input) { errors { message } status } }`,
      { input: { walletId: payer.btc_wallet_id, paymentRequest: invoice.paymentRequest } }, payerToken);
    assert.equal(again.status, 'ALREADY_PAID');
  });
});
