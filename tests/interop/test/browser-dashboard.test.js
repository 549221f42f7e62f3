// Blink's integration end to end in Chromium: an app registered like Blink's Dashboard (read write) sends a
// new user through Glint's login and consent pages, then runs the Dashboard's operations with Oauth2-Token;
// an app registered like the PoS (read) can read the same account, and its payment attempt gets exactly
// one NOT_AUTHORIZED error naming the scope.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { scopes } from './helpers.js';
import { glint, graphql, operatorUnavailable, postGraphQL } from './api.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, signInWithEmail } from './chromium.js';

const suite = browserSuite();

const me = `query me { me { id username email { address verified } totpEnabled
  defaultAccount { id defaultWalletId displayCurrency wallets { id walletCurrency balance } } } }`;
const pay = `mutation IntraLedgerBtcPaymentSend($input: IntraLedgerPaymentSendInput!) {
  intraLedgerPaymentSend(input: $input) { errors { code message } status } }`;
const transactions = `query transactions($first: Int) { me { defaultAccount { transactions(first: $first) {
  edges { node { direction memo settlementAmount settlementCurrency status } } } } } }`;
const apiKeyCreate = `mutation ApiKeyCreate($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) {
  apiKey { id name revoked expired readOnly scopes } apiKeySecret } }`;
const apiKeys = 'query ApiKeys { me { apiKeys { id name revoked expired scopes } } }';
const apiKeyRevoke = `mutation ApiKeyRevoke($input: ApiKeyRevokeInput!) { apiKeyRevoke(input: $input) {
  apiKey { id revoked } } }`;

/**
 * Sends a new Chromium context through the app's authorization request, signing in as `email`
 * (the first time creates the user) and allowing every scope asked for; the app's token response.
 */
async function connect(app, scope, email) {
  const page = await openPage(suite.browser);
  try {
    const request = app.authorization(scope);
    await page.goto(request.url);
    await signInWithEmail(page, email);
    await expectPage(page, '/consent');
    await page.getByTestId('allow').click();
    const params = await app.callback(page, request);
    assert.equal(params.get('error'), null, `no error at the app: ${params}`);
    return await app.redeem(params.get('code'), request);
  } finally {
    await closePage(page);
  }
}

describe("Blink's Dashboard and PoS against Glint, through Chromium", { skip: operatorUnavailable }, () => {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 10);
  const email = newEmail('dashboard-user');
  let recipient;
  let dashboard;
  let pos;

  before(async () => {
    recipient = glint('users', 'create', '--email', `recipient-${suffix}@example.com`, '--username', `recipient_${suffix}`);
    dashboard = await ClientApp.register(suite.listener, 'dashboard', { client_name: 'Dashboard', scope: 'openid offline read write' });
    pos = await ClientApp.register(suite.listener, 'pos', { client_name: 'Point of Sale', scope: 'read' });
  });

  it('the Dashboard app signs a new user in, reads the account, pays, lists the payment, and manages API keys', async () => {
    const tokens = await connect(dashboard, 'openid offline read write', email);
    assert.deepEqual(scopes(tokens.scope), ['offline', 'openid', 'read', 'write']);
    const token = tokens.access_token;

    const { me: user } = await graphql(me, undefined, token);
    assert.equal(user.email.address, email);
    assert.equal(user.email.verified, true, 'the address was proven by the emailed code');
    const btc = user.defaultAccount.wallets.find((wallet) => wallet.walletCurrency === 'BTC');
    assert.equal(user.defaultAccount.defaultWalletId, btc.id);
    assert.equal(btc.balance, 0);

    glint('wallets', 'credit', '--wallet', btc.id, '--amount', '50000', '--memo', 'interop funding');
    const { intraLedgerPaymentSend: sent } = await graphql(pay,
      { input: { walletId: btc.id, recipientWalletId: recipient.btc_wallet_id, amount: 12345, memo: 'dashboard payment' } }, token);
    assert.deepEqual(sent, { errors: [], status: 'SUCCESS' });

    const after = await graphql(me, undefined, token);
    assert.equal(after.me.defaultAccount.wallets.find((wallet) => wallet.id === btc.id).balance, 50000 - 12345);
    const { edges } = (await graphql(transactions, { first: 5 }, token)).me.defaultAccount.transactions;
    assert.deepEqual(edges[0].node, { direction: 'SEND', memo: 'dashboard payment', settlementAmount: -12345, settlementCurrency: 'BTC', status: 'SUCCESS' });

    const { apiKeyCreate: created } = await graphql(apiKeyCreate, { input: { name: 'from the dashboard', scopes: ['READ'] } }, token);
    assert.deepEqual({ ...created.apiKey, id: undefined },
      { id: undefined, name: 'from the dashboard', revoked: false, expired: false, readOnly: true, scopes: ['READ'] });
    const byKey = await postGraphQL('query { me { id } }', undefined, { 'X-API-KEY': created.apiKeySecret });
    assert.equal(byKey.status, 200);
    assert.equal(byKey.body.data.me.id, user.id, 'the key acts for the user who created it');
    assert.ok((await graphql(apiKeys, undefined, token)).me.apiKeys.some((key) => key.id === created.apiKey.id));

    const { apiKeyRevoke: revoked } = await graphql(apiKeyRevoke, { input: { id: created.apiKey.id } }, token);
    assert.equal(revoked.apiKey.revoked, true);
    const refused = await postGraphQL('query { me { id } }', undefined, { 'X-API-KEY': created.apiKeySecret });
    assert.equal(refused.status, 401, 'a revoked key is refused on its next use');
    assert.equal(refused.body.error.code, 401);
  });

  it('the PoS app, granted read only, reads the same account and its payment attempt gets exactly one NOT_AUTHORIZED error', async () => {
    const tokens = await connect(pos, 'read', email);
    assert.deepEqual(scopes(tokens.scope), ['read']);

    const { me: user } = await graphql(me, undefined, tokens.access_token);
    assert.equal(user.email.address, email);
    const btc = user.defaultAccount.wallets.find((wallet) => wallet.walletCurrency === 'BTC');

    const { status, body } = await postGraphQL(pay,
      { input: { walletId: btc.id, recipientWalletId: recipient.btc_wallet_id, amount: 1, memo: 'not allowed' } },
      { 'Oauth2-Token': tokens.access_token });
    assert.equal(status, 200);
    assert.equal(body.data, null);
    assert.equal(body.errors.length, 1, JSON.stringify(body.errors));
    assert.equal(body.errors[0].code, 'NOT_AUTHORIZED');
    assert.match(body.errors[0].message, /write scope/);

    const after = await graphql(me, undefined, tokens.access_token);
    assert.equal(after.me.defaultAccount.wallets.find((wallet) => wallet.id === btc.id).balance, btc.balance, 'nothing moved');
  });
});
