// Prices from a feed, as Blink's apps follow them: a throwaway Glint polls a price feed served here on loopback
// (Basic credentials and an API key in its URL, as a paid feed asks), and the graphql-ws client on ws hears each new
// price on the `price` and `realtimePrice` subscriptions. A feed that answers nonsense keeps the last good price,
// and /health/ready says so while staying ready.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createClient } from 'graphql-ws/client';
import WebSocket from 'ws';
import { startGlint, stopGlint } from './glint-server.js';

const credentials = `Basic ${Buffer.from('feeduser:feed-password').toString('base64')}`;

/** A price feed on loopback answering `answer.status` and `answer.body`, to callers with the right credentials. */
async function startFeed(answer) {
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://feed');
    if (request.headers.authorization !== credentials || url.searchParams.get('key') !== 'feed-key') {
      response.writeHead(401).end();
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://feeduser:feed-password@127.0.0.1:${server.address().port}/spot?key=feed-key` };
}

const spot = (dollars) => ({ status: 200, body: JSON.stringify({ data: { base: 'BTC', currency: 'USD', amount: String(dollars) } }) });

/** The messages of one subscription, one at a time. */
function subscribe(client, query, variables) {
  const received = [];
  const waiting = [];
  const deliver = () => {
    while (waiting.length > 0 && received.length > 0) {
      waiting.shift()(received.shift());
    }
  };
  const dispose = client.subscribe({ query, variables }, {
    next: (value) => { received.push(value); deliver(); },
    error: (error) => { received.push({ error }); deliver(); },
    complete: () => {},
  });
  return { dispose, next: () => new Promise((resolve) => { waiting.push(resolve); deliver(); }) };
}

describe('Prices from a feed, over graphql-ws', () => {
  const answer = spot(65000);
  let feed;
  let glint;
  let client;

  before(async () => {
    feed = await startFeed(answer);
    glint = await startGlint({
      GLINT_PRICES_SOURCE: 'feed',
      GLINT_PRICES_FEED_URL: feed.url,
      GLINT_PRICES_FEED_JSON_PATH: 'data.amount',
      GLINT_PRICES_FEED_INTERVAL: '1s',
    });
    client = createClient({ url: `${glint.publicUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0 });
  });

  after(async () => {
    await client?.dispose();
    if (glint) {
      await stopGlint(glint);
    }
    feed?.server.close();
  });

  it('pushes each new price to both subscriptions, and keeps the last good one when the feed answers nonsense', async () => {
    const price = subscribe(client, `subscription($input: PriceInput!) {
      price(input: $input) { errors { message } price { base offset currencyUnit formattedAmount } } }`,
    { input: { amount: 100, amountCurrencyUnit: 'BTCSAT', priceCurrencyUnit: 'USDCENT' } });
    const realtime = subscribe(client, `subscription { realtimePrice(input: { currency: "USD" }) {
      errors { message } realtimePrice { btcSatPrice { base offset } denominatorCurrencyDetails { id } } } }`);

    const first = await price.next();
    assert.deepEqual(first.data.price.errors, []);
    // 100 sats at $65,000 a bitcoin are 6.5 cents.
    assert.equal(first.data.price.price.formattedAmount, '6.5');
    assert.equal(first.data.price.price.base, 100 * 6_500_000 * 10_000);
    assert.equal(first.data.price.price.offset, 12);
    assert.equal((await realtime.next()).data.realtimePrice.realtimePrice.btcSatPrice.base, 6_500_000 * 10_000);

    Object.assign(answer, spot(66000.5));
    const pushed = await price.next();
    assert.equal(pushed.data.price.price.formattedAmount, '6.60005');
    assert.equal((await realtime.next()).data.realtimePrice.realtimePrice.btcSatPrice.base, 6_600_050 * 10_000);

    Object.assign(answer, { status: 200, body: JSON.stringify({ data: { amount: -1 } }) });
    let health;
    for (let tries = 0; tries < 60 && !health?.details; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const response = await fetch(`${glint.adminUrl}/health/ready`);
      assert.equal(response.status, 200);
      health = await response.json();
    }
    assert.equal(health.status, 'ok');
    assert.match(health.details.prices, /not a price/);
    assert.doesNotMatch(JSON.stringify(health), /feed-password|feed-key/);

    const query = await fetch(`${glint.publicUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ btcPriceList(range: ONE_DAY) { timestamp price { base offset currencyUnit } } }' }),
    }).then((response) => response.json());
    const points = query.data.btcPriceList;
    assert.ok(points.length >= 1 && points.length <= 25, `${points.length} points`);
    assert.deepEqual(points.at(-1).price, { base: 6_600_050 * 10_000, offset: 4, currencyUnit: 'USDCENT' });
  });
});
