// Lightning addresses against a running Glint with real LNURL clients. lnurl-pay and @getalby/lightning-tools
// resolve Alice's pay request (LUD-06/16), ask its callback for an invoice with a comment (LUD-12), bolt11 decodes
// the invoice and checks its amount and that its description hash is the SHA-256 of the metadata, and Bob pays it
// with lnInvoicePaymentSend. Then lnAddressPaymentSend pays Alice's address from Bob in the ledger, and Glint's own
// request counters (its Prometheus scrape) show that no request reached the Lightning address endpoints meanwhile.
//
// Both libraries insist on https for an address: lnurl-pay builds https://<domain>/.well-known/lnurlp/<user> and its
// address pattern has no port; LightningAddress builds the same https URL with the same pattern. The Glint under test
// is plain http on a loopback port, so lnurl-pay is given the LNURL (LUD-01, bech32) of the address's well-known URL,
// which it fetches as it is, and LightningAddress gets a subclass that only says where the three well-known URLs are.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { decode } from 'bolt11';
import { requestInvoice, requestPayServiceParams } from 'lnurl-pay';
import { LightningAddress } from '@getalby/lightning-tools';
import { publicUrl, adminUrl, basicAuthorization } from './helpers.js';
import { glint, graphql, operatorUnavailable } from './api.js';
import { Browser, authorize, createAuthCodeClient } from './flow.js';

const regtest = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] };

/** An access token for `userId` through the authorization code flow, with `scope` granted. */
async function accessToken(userId, scope) {
  const oauthClient = await createAuthCodeClient('lnaddress', { scope, response_types: ['code'] });
  const redirectUri = oauthClient.redirect_uris[0];
  const url = new URL(`${publicUrl}/oauth2/auth`);
  url.search = new URLSearchParams({ client_id: oauthClient.client_id, response_type: 'code', scope, redirect_uri: redirectUri, state: randomUUID() }).toString();
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

/** LUD-01: bech32 (BIP 173's checksum, without its length limit) with the `lnurl` prefix over the URL's bytes. */
function lnurlOf(url) {
  const alphabet = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
  const words = [];
  let accumulator = 0;
  let bits = 0;
  for (const byte of Buffer.from(url, 'utf8')) {
    accumulator = (accumulator << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      words.push((accumulator >> bits) & 31);
    }
    accumulator &= (1 << bits) - 1;
  }
  if (bits > 0) {
    words.push((accumulator << (5 - bits)) & 31);
  }
  const polymod = (values) => {
    const generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let checksum = 1;
    for (const value of values) {
      const top = checksum >> 25;
      checksum = ((checksum & 0x1ffffff) << 5) ^ value;
      generator.forEach((g, i) => { if ((top >> i) & 1) checksum ^= g; });
    }
    return checksum;
  };
  const prefix = 'lnurl';
  const expanded = [...prefix].map((c) => c.charCodeAt(0) >> 5).concat([0], [...prefix].map((c) => c.charCodeAt(0) & 31));
  const mod = polymod([...expanded, ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >> (5 * (5 - i))) & 31);
  return prefix + '1' + [...words, ...checksum].map((w) => alphabet[w]).join('');
}

/** LightningAddress as it is, told that the address's well-known URLs are on the loopback server under test. */
class LoopbackLightningAddress extends LightningAddress {
  parse() {
    [this.username, this.domain] = this.address.split('@');
  }

  lnurlpUrl() {
    return `${publicUrl}/.well-known/lnurlp/${this.username}`;
  }

  keysendUrl() {
    return `${publicUrl}/.well-known/keysend/${this.username}`;
  }

  nostrUrl() {
    return `${publicUrl}/.well-known/nostr.json?name=${this.username}`;
  }
}

/** How many requests Glint has routed to its Lightning address endpoints (pay request and callback), from its Prometheus scrape. */
async function lightningAddressRequests() {
  const text = await (await fetch(`${adminUrl}/admin/metrics/prometheus`)).text();
  return text.split('\n')
    .filter((line) => line.startsWith('http_server_request_duration_seconds_count{') && /http_route="\/(\.well-known\/lnurlp\/\{username\}|lnurlp\/\{username\}\/callback)"/.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** The count once the scrape shows at least `atLeast` (the exporter caches a scrape briefly). */
async function lightningAddressRequestsReaching(atLeast) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const count = await lightningAddressRequests();
    if (count >= atLeast) {
      return count;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return lightningAddressRequests();
}

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('Lightning addresses (LNURL-pay clients, lnAddressPaymentSend)', { skip: operatorUnavailable }, () => {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 10);
  const aliceName = `alice_${suffix}`;
  let alice;
  let bob;
  let aliceToken;
  let bobToken;
  let domain;

  const balances = 'query { me { defaultAccount { wallets { walletCurrency balance } } } }';
  const btc = (data) => data.me.defaultAccount.wallets.find((w) => w.walletCurrency === 'BTC').balance;

  before(async () => {
    alice = glint('users', 'create', '--email', `alice-${suffix}@example.com`, '--username', aliceName);
    bob = glint('users', 'create', '--email', `bob-${suffix}@example.com`, '--username', `bob_${suffix}`);
    glint('wallets', 'credit', '--wallet', bob.btc_wallet_id, '--amount', '100000', '--memo', 'interop funding');
    aliceToken = await accessToken(alice.user_id, 'read');
    bobToken = await accessToken(bob.user_id, 'read write');
    ({ globals: { lightningAddressDomain: domain } } = await graphql('query { globals { lightningAddressDomain lightningAddressDomainAliases } }'));
    assert.equal(domain, new URL(publicUrl).host, 'the address domain defaults to the issuer\'s host');
  });

  it('lnurl-pay resolves the address, gets an invoice with a comment that bolt11 checks, and Bob pays it', async () => {
    const lnurl = lnurlOf(`${publicUrl}/.well-known/lnurlp/${aliceName}`);
    const params = await requestPayServiceParams({ lnUrlOrAddress: lnurl });
    assert.equal(params.identifier, `${aliceName}@${domain}`);
    assert.equal(params.min, 1);
    assert.equal(params.commentAllowed, 255);
    assert.ok(params.max >= 100000);

    const result = await requestInvoice({ lnUrlOrAddress: lnurl, tokens: 2100, comment: 'for the pizza', validateInvoice: true });
    assert.equal(result.hasValidAmount, true);
    assert.equal(result.hasValidDescriptionHash, true);

    const decoded = decode(result.invoice, regtest);
    const { globals } = await graphql('query { globals { nodesIds } }');
    assert.equal(decoded.payeeNodeKey, globals.nodesIds[0]);
    assert.equal(decoded.satoshis, 2100);
    assert.equal(decoded.tagsObject.purpose_commit_hash, sha256(params.rawData.metadata));

    const { lnInvoicePaymentSend: paid } = await graphql('mutation($input: LnInvoicePaymentInput!) { lnInvoicePaymentSend(input: $input) { errors { message } status } }',
      { input: { walletId: bob.btc_wallet_id, paymentRequest: result.invoice } }, bobToken);
    assert.deepEqual(paid, { errors: [], status: 'SUCCESS' });
    assert.equal(btc(await graphql(balances, undefined, aliceToken)), 2100);
    const { me } = await graphql('query { me { defaultAccount { transactions(first: 1) { edges { node { memo settlementAmount } } } } } }', undefined, aliceToken);
    assert.deepEqual(me.defaultAccount.transactions.edges[0].node, { memo: 'for the pizza', settlementAmount: 2100 });
  });

  it('@getalby/lightning-tools LightningAddress gets an invoice whose amount and description hash bolt11 confirms', async () => {
    const address = new LoopbackLightningAddress(`${aliceName}@${domain}`, { proxy: false });
    await address.fetch();
    assert.equal(address.lnurlpData.identifier, `${aliceName}@${domain}`);
    assert.equal(address.lnurlpData.min, 1000);

    const invoice = await address.requestInvoice({ satoshi: 500, comment: 'tip' });
    assert.equal(invoice.satoshi, 500);
    const decoded = decode(invoice.paymentRequest, regtest);
    assert.equal(decoded.satoshis, 500);
    assert.equal(decoded.tagsObject.purpose_commit_hash, address.lnurlpData.metadataHash);
    await assert.rejects(address.requestInvoice({ satoshi: 1, comment: 'x'.repeat(256) }), /comment length must be 255/);
  });

  it('lnAddressPaymentSend pays Alice\'s address from Bob in the ledger, with no request to the Lightning address endpoints', async () => {
    const before = await lightningAddressRequests();
    const { lnAddressPaymentSend: sent } = await graphql(`mutation($input: LnAddressPaymentSendInput!) { lnAddressPaymentSend(input: $input) {
        errors { code message } status
        transaction { settlementAmount initiationVia { __typename ... on InitiationViaIntraLedger { counterPartyUsername } } } } }`,
    { input: { walletId: bob.btc_wallet_id, amount: 1000, lnAddress: `${aliceName}@${domain}` } }, bobToken);
    assert.deepEqual(sent, {
      errors: [],
      status: 'SUCCESS',
      transaction: { settlementAmount: -1000, initiationVia: { __typename: 'InitiationViaIntraLedger', counterPartyUsername: aliceName } },
    });
    assert.equal(btc(await graphql(balances, undefined, aliceToken)), 2100 + 1000);
    assert.equal(btc(await graphql(balances, undefined, bobToken)), 100000 - 2100 - 1000);

    // One request of our own, so the scrape read below is known to be fresh: it must count that one and nothing else.
    await fetch(`${publicUrl}/.well-known/lnurlp/${aliceName}`);
    assert.equal(await lightningAddressRequestsReaching(before + 1), before + 1);

    const { lnAddressPaymentSend: unknown } = await graphql('mutation($input: LnAddressPaymentSendInput!) { lnAddressPaymentSend(input: $input) { errors { code } status } }',
      { input: { walletId: bob.btc_wallet_id, amount: 1000, lnAddress: `nobody_${suffix}@${domain}` } }, bobToken);
    assert.deepEqual(unknown, { errors: [{ code: 'LNURL_REQUEST_INVOICE_ERROR' }], status: 'FAILURE' });
  });
});
