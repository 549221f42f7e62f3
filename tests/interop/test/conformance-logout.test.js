// The OpenID Foundation's RP-Initiated Logout OP test plan (oidcc-rp-initiated-logout-certification-test-plan),
// one test per module. Each module signs a user in, sends the browser to end_session_endpoint with the module's
// parameters, and checks where the browser ends: back at the registered post_logout_redirect_uri (with the state)
// only for a request the OP can trust, an error or signed-out page otherwise; and after a logout, an authorization
// request with prompt=none must come back with login_required. The tests are the logout app: they accept the
// logout challenge through the admin API, as the built-in /logout page does when the user confirms.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { issuer } from './helpers.js';
import { authorizationRequest, codeFlow, discover, expectAuthorizationError, hydra, registerClient, step, subjectFor } from './conformance.js';

const POST_LOGOUT = 'http://127.0.0.1:9/signed-out';

async function signedIn(label) {
  const c = await registerClient(`logout-${label}`, { post_logout_redirect_uris: [POST_LOGOUT] });
  const flow = await codeFlow(c, { subject: subjectFor(label), remember: true });
  return { c, ...flow };
}

/**
 * Sends the browser to end_session_endpoint with `parameters` and follows it the way a browser would, confirming
 * the logout on the logout app if it is asked. Returns where it ended: { kind: 'client', url } when it was sent to
 * a post_logout_redirect_uri (the registered one or any other under 127.0.0.1:9), { kind: 'page', response } for a
 * page Glint shows (an error, or the signed-out page), and whether a logout challenge was confirmed.
 */
async function endSession(browser, parameters) {
  const url = new URL((await discover()).end_session_endpoint);
  for (const [name, value] of Object.entries(parameters)) {
    url.searchParams.set(name, value);
  }
  let next = url.href;
  let confirmed = false;
  for (let hop = 0; hop < 20; hop += 1) {
    const target = new URL(next);
    if (target.origin === 'http://127.0.0.1:9') {
      return { kind: 'client', url: target, confirmed };
    }
    if (target.searchParams.has('logout_challenge')) {
      const { data } = await hydra.acceptOAuth2LogoutRequest({ logoutChallenge: target.searchParams.get('logout_challenge') });
      confirmed = true;
      next = data.redirect_to;
      continue;
    }
    const response = await browser.request(next);
    if (!response.location) {
      return { kind: 'page', response, confirmed };
    }
    next = response.location;
  }
  throw new Error(`more than 20 redirects\n${browser.trail()}`);
}

/** After a logout the OP must not sign the user in silently: prompt=none ends in login_required. */
async function assertLoggedOut(c, browser) {
  const request = await authorizationRequest(c, { prompt: 'none' });
  const reached = await step(browser, request.url, c.redirect_uris[0]);
  assert.equal(reached.kind, 'callback', browser.trail());
  const error = await expectAuthorizationError(c, reached.url, request.state);
  assert.ok(['login_required', 'interaction_required'].includes(error.error), error.error);
}

/** The OP never sends the browser to a post_logout_redirect_uri for this request. */
function assertNotRedirected(ended, browser) {
  assert.equal(ended.kind, 'page', `sent to ${ended.url?.href}\n${browser.trail()}`);
}

function longState() {
  return randomBytes(96).toString('base64url'); // 128 characters, as the plan sends, to catch a truncated state
}

describe('OpenID conformance: RP-Initiated Logout OP plan', () => {
  it('oidcc-rp-initiated-logout-discovery-endpoint-verification', async () => {
    const as = await discover();
    assert.equal(as.end_session_endpoint, `${issuer}/oauth2/sessions/logout`);
  });

  it('oidcc-rp-initiated-logout', async () => {
    const { c, tokens, browser } = await signedIn('rp-initiated');
    const state = longState();
    const ended = await endSession(browser, { id_token_hint: tokens.id_token, post_logout_redirect_uri: POST_LOGOUT, state });
    assert.equal(ended.kind, 'client', browser.trail());
    assert.equal(ended.url.origin + ended.url.pathname, POST_LOGOUT);
    assert.equal(ended.url.searchParams.get('state'), state);
    await assertLoggedOut(c, browser);
  });

  it('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri', async () => {
    const { tokens, browser } = await signedIn('bad-uri');
    const ended = await endSession(browser, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: 'http://127.0.0.1:9/not-registered',
      state: longState(),
    });
    assertNotRedirected(ended, browser);
    assert.equal(ended.response.status, 400);
    assert.match(ended.response.text, /post_logout_redirect_uri/);
  });

  it('oidcc-rp-initiated-logout-modified-id-token-hint', async () => {
    const { tokens, browser } = await signedIn('modified-hint');
    const [header, payload, signature] = tokens.id_token.split('.');
    const altered = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const ended = await endSession(browser, { id_token_hint: altered, post_logout_redirect_uri: POST_LOGOUT, state: longState() });
    assertNotRedirected(ended, browser);
    assert.equal(ended.response.status, 400);
    assert.match(ended.response.text, /<code>invalid_(request|token)<\/code>/);
  });

  it('oidcc-rp-initiated-logout-no-id-token-hint', async () => {
    const { browser } = await signedIn('no-hint');
    const ended = await endSession(browser, { post_logout_redirect_uri: POST_LOGOUT, state: longState() });
    assertNotRedirected(ended, browser);
    // As Hydra: nothing says which client asked, so the request is refused on an error page.
    assert.equal(ended.response.status, 400);
    assert.match(ended.response.text, /id_token_hint is missing/);
  });

  it('oidcc-rp-initiated-logout-no-params', async () => {
    const { c, browser } = await signedIn('no-params');
    const ended = await endSession(browser, {});
    assertNotRedirected(ended, browser);
    assert.equal(ended.confirmed, true, 'the user is asked to confirm');
    assert.equal(ended.response.status, 200, 'the signed-out page');
    await assertLoggedOut(c, browser);
  });

  it('oidcc-rp-initiated-logout-no-post-logout-redirect-uri', async () => {
    const { c, tokens, browser } = await signedIn('no-redirect');
    const ended = await endSession(browser, { id_token_hint: tokens.id_token, state: longState() });
    assertNotRedirected(ended, browser);
    assert.equal(ended.response.status, 200, 'the signed-out page');
    await assertLoggedOut(c, browser);
  });

  it('oidcc-rp-initiated-logout-no-state', async () => {
    const { c, tokens, browser } = await signedIn('no-state');
    const ended = await endSession(browser, { id_token_hint: tokens.id_token, post_logout_redirect_uri: POST_LOGOUT });
    assert.equal(ended.kind, 'client', browser.trail());
    assert.equal(ended.url.href, POST_LOGOUT, 'no state added');
    await assertLoggedOut(c, browser);
  });

  it('oidcc-rp-initiated-logout-only-state', async () => {
    const { c, browser } = await signedIn('only-state');
    const ended = await endSession(browser, { state: longState() });
    assertNotRedirected(ended, browser);
    assert.equal(ended.response.status, 200, 'the signed-out page');
    await assertLoggedOut(c, browser);
  });

  it('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri', async () => {
    const { tokens, browser } = await signedIn('query-added');
    const ended = await endSession(browser, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: `${POST_LOGOUT}?foo=bar`,
      state: longState(),
    });
    assertNotRedirected(ended, browser);
    assert.equal(ended.response.status, 400);
  });
});
