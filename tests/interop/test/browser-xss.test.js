// Client metadata is written by whoever registers a client, so Glint's pages must show it as text. A
// client with script in its name and attribute-breaking https URLs goes through the login, consent and
// account pages in Chromium: no dialog, no injected element or handler, the name shown as it is.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { publicUrl } from './helpers.js';
import { ClientApp } from './client-app.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, signInWithEmail } from './chromium.js';

const HOSTILE = {
  client_name: '<script>alert("name")</script><img src=x onerror=alert("img")>',
  logo_uri: 'https://logo.example/x.png?"><script>alert("logo")</script>',
  client_uri: 'https://app.example/" onmouseover="alert(\'uri\')" x="',
  policy_uri: 'https://app.example/policy?"><svg onload=alert("policy")>',
  tos_uri: 'https://app.example/tos#" onfocus="alert(\'tos\')" autofocus x="',
};

const suite = browserSuite();

/** Whatever a page shows of the hostile client must be inert: checked in the DOM, not only by the CSP. */
async function assertInert(page, where) {
  // Give every handler a chance: hover and focus each link and image.
  for (const element of await page.locator('main a, main img').all()) {
    await element.hover();
    await element.focus().catch(() => {});
  }
  assert.deepEqual(page.dialogs, [], `no dialog on the ${where} page`);
  assert.deepEqual(page.blocked, [], `nothing was injected for the CSP to block on the ${where} page`);
  assert.equal(await page.locator('script').count(), 0, `no script element on the ${where} page`);
  const handlers = await page.evaluate(() => [...document.querySelectorAll('*')]
    .flatMap((element) => element.getAttributeNames().filter((name) => name.startsWith('on')).map((name) => `${element.tagName}[${name}]`)));
  assert.deepEqual(handlers, [], `no event handler attribute on the ${where} page`);
  assert.equal(await page.locator('main svg, main img[src="x"]').count(), 0, `no element from the metadata on the ${where} page`);
  for (const name of await page.getByTestId('client-name').allTextContents()) {
    assert.equal(name, HOSTILE.client_name, `the ${where} page shows the name as text`);
  }
}

it('a client with script in its name and hostile URLs renders inert on the login, consent and account pages', async () => {
  const page = await openPage(suite.browser);
  page.blocked = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      page.blocked.push(message.text());
    }
  });
  page.on('pageerror', (error) => page.blocked.push(`page error: ${error.message}`));
  try {
    const app = await ClientApp.register(suite.listener, 'browser-xss', HOSTILE);
    const request = app.authorization('read');
    await page.goto(request.url);
    await expectPage(page, '/login');
    assert.equal(await page.getByTestId('client-name').textContent(), HOSTILE.client_name);
    await assertInert(page, 'login');

    await signInWithEmail(page, newEmail('xss'));
    await expectPage(page, '/consent');
    assert.equal(await page.getByTestId('consent-client').textContent(), HOSTILE.client_name);
    assert.ok(await page.getByTestId('policy').isVisible(), 'the policy link is shown');
    assert.ok(await page.getByTestId('terms').isVisible(), 'the terms link is shown');
    await assertInert(page, 'consent');
    // The links keep their hostile text inside the URL, where it is harmless.
    for (const testId of ['policy', 'terms']) {
      const link = page.getByTestId(testId);
      assert.deepEqual((await link.evaluate((a) => a.getAttributeNames())).sort(), ['data-testid', 'href', 'rel', 'target']);
      assert.equal(new URL(await link.getAttribute('href')).protocol, 'https:');
    }

    await page.getByTestId('allow').click();
    await app.callback(page, request);

    await page.goto(`${publicUrl}/account`);
    await expectPage(page, '/account');
    assert.equal(await page.getByTestId('app').count(), 1);
    await assertInert(page, 'account');
    assert.equal(await page.getByTestId('revoke').textContent(), `Disconnect ${HOSTILE.client_name}`);
  } finally {
    await closePage(page);
  }
});
