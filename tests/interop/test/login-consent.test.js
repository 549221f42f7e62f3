// Glint's login, consent and logout challenge API driven by Ory's SDK (@ory/hydra-client 2.2.0, OAuth2Api)
// exactly the way Blink's consent app (apps/consent) calls it: the same operations, the same bodies
// (login accepted with remember_for 3600 and acr "2", consent with the ticked scopes and the requested
// audience, rejections with access_denied), plus the consent session admin calls and the logout flow.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { basicAuthorization, deleteClientQuietly, hydra, introspect, issuer, publicUrl, scopes } from './helpers.js';
import { Browser, createAuthCodeClient, expectStep, step } from './flow.js';

const created = [];

after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

async function newClient(label, overrides) {
  const c = await createAuthCodeClient(label, overrides);
  created.push(c.client_id);
  return c;
}

/** Blink's reject body, used for login, consent and (by its logout page) every refusal. */
const DENIED = { error: 'access_denied', error_description: 'The resource owner denied the request' };

function subjectFor(label) {
  return `user-${label}-${randomUUID()}`;
}

/** An authorization request as next-auth sends it for Blink's apps: code, state, no PKCE. */
function authorizationUrl(c, scope, state = randomBytes(16).toString('hex')) {
  const url = new URL(`${publicUrl}/oauth2/auth`);
  url.search = new URLSearchParams({
    client_id: c.client_id,
    response_type: 'code',
    redirect_uri: c.redirect_uris[0],
    scope,
    state,
  }).toString();
  return { url: url.href, state };
}

/** Redeems a code at the token endpoint with client_secret_basic; returns the token response. */
async function exchangeCode(c, code) {
  const response = await fetch(`${publicUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuthorization(c.client_id, c.client_secret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: c.redirect_uris[0] }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, `token endpoint: ${JSON.stringify(body)}`);
  return body;
}

async function refresh(c, refreshToken) {
  const response = await fetch(`${publicUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuthorization(c.client_id, c.client_secret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return { status: response.status, body: await response.json() };
}

// The consent app's pages, as functions of the challenge. Each returns redirect_to, as the app's
// server action does before it redirects the browser.

/** /login/verification after a valid code: accept with Blink's values. */
async function blinkAcceptLogin(loginChallenge, subject, remember) {
  const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge });
  if (login.skip) {
    const { data } = await hydra.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: login.subject } });
    return data.redirect_to;
  }
  const { data } = await hydra.acceptOAuth2LoginRequest({
    loginChallenge,
    acceptOAuth2LoginRequest: { subject, remember, remember_for: 3600, acr: '2' },
  });
  return data.redirect_to;
}

/** /consent, Allow pressed with `ticked` scopes (or auto-accepted for a skip_consent client). */
async function blinkAcceptConsent(consentChallenge, ticked, remember) {
  const { data: consent } = await hydra.getOAuth2ConsentRequest({ consentChallenge });
  if (!consent.login_challenge) {
    throw new Error('Login Challenge Not Found');
  }
  if (consent.client?.skip_consent) {
    const { data } = await hydra.acceptOAuth2ConsentRequest({
      consentChallenge,
      acceptOAuth2ConsentRequest: {
        grant_scope: consent.requested_scope,
        grant_access_token_audience: consent.requested_access_token_audience,
      },
    });
    return data.redirect_to;
  }
  const { data } = await hydra.acceptOAuth2ConsentRequest({
    consentChallenge,
    acceptOAuth2ConsentRequest: {
      grant_scope: ticked,
      grant_access_token_audience: consent.requested_access_token_audience,
      remember,
      remember_for: 3600,
    },
  });
  return data.redirect_to;
}

/** Runs a whole sign-in in `browser` and returns the token response. */
async function signIn(browser, c, { scope, subject, ticked, remember = false }) {
  const { url, state } = authorizationUrl(c, scope);
  const redirectUri = c.redirect_uris[0];
  let reached = expectStep(browser, await step(browser, url, redirectUri), 'login');
  reached = await step(browser, await blinkAcceptLogin(reached.challenge, subject, remember), redirectUri);
  if (reached.kind === 'consent') {
    reached = await step(browser, await blinkAcceptConsent(reached.challenge, ticked ?? scope.split(' '), remember), redirectUri);
  }
  const callback = expectStep(browser, reached, 'callback').url;
  assert.equal(callback.searchParams.get('state'), state, callback.href);
  assert.ok(callback.searchParams.get('code'), `no code: ${callback.href}`);
  return exchangeCode(c, callback.searchParams.get('code'));
}

describe('login and consent with @ory/hydra-client OAuth2Api, as Blink\'s consent app', () => {
  it('accepts the login (remember, remember_for 3600, acr "2") and the consent with the ticked scopes only', async () => {
    const c = await newClient('blink-accept', { scope: 'read write' });
    const redirectUri = c.redirect_uris[0];
    const subject = subjectFor('accept');
    const browser = new Browser();
    const { url, state } = authorizationUrl(c, 'read write');

    const atLogin = expectStep(browser, await step(browser, url, redirectUri), 'login');
    assert.equal(atLogin.url.origin + atLogin.url.pathname, `${publicUrl}/login`);
    const { status: loginStatus, data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.equal(loginStatus, 200);
    assert.equal(login.challenge, atLogin.challenge);
    assert.equal(login.skip, false);
    assert.equal(login.client.client_id, c.client_id);
    assert.deepEqual(login.requested_scope, ['read', 'write']);
    assert.ok(login.request_url.startsWith(`${publicUrl}/oauth2/auth?`), `request_url: ${login.request_url}`);
    assert.equal(typeof login.session_id, 'string');

    const { data: accepted } = await hydra.acceptOAuth2LoginRequest({
      loginChallenge: atLogin.challenge,
      acceptOAuth2LoginRequest: { subject, remember: true, remember_for: 3600, acr: '2' },
    });
    assert.equal(typeof accepted.redirect_to, 'string');

    const atConsent = expectStep(browser, await step(browser, accepted.redirect_to, redirectUri), 'consent');
    assert.equal(atConsent.url.origin + atConsent.url.pathname, `${publicUrl}/consent`);
    const { status: consentStatus, data: consent } = await hydra.getOAuth2ConsentRequest({ consentChallenge: atConsent.challenge });
    assert.equal(consentStatus, 200);
    assert.equal(consent.challenge, atConsent.challenge);
    assert.ok(typeof consent.login_challenge === 'string' && consent.login_challenge.length > 0,
      `Blink's consent page throws "Login Challenge Not Found" without login_challenge: ${JSON.stringify(consent.login_challenge)}`);
    assert.equal(consent.client.client_id, c.client_id);
    assert.equal(consent.client.skip_consent, false);
    assert.equal(consent.subject, subject);
    assert.equal(consent.skip, false);
    assert.equal(consent.acr, '2');
    assert.deepEqual(consent.requested_scope, ['read', 'write']);
    assert.ok(Array.isArray(consent.requested_access_token_audience), JSON.stringify(consent.requested_access_token_audience));

    // Only `read` ticked.
    const { data: granted } = await hydra.acceptOAuth2ConsentRequest({
      consentChallenge: atConsent.challenge,
      acceptOAuth2ConsentRequest: {
        grant_scope: ['read'],
        grant_access_token_audience: consent.requested_access_token_audience,
        remember: true,
        remember_for: 3600,
      },
    });
    const callback = expectStep(browser, await step(browser, granted.redirect_to, redirectUri), 'callback').url;
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), issuer);

    const tokens = await exchangeCode(c, callback.searchParams.get('code'));
    assert.equal(tokens.scope, 'read');
    const description = await introspect(tokens.access_token);
    assert.equal(description.active, true);
    assert.equal(description.sub, subject);
    assert.equal(description.scope, 'read');
    assert.equal(description.client_id, c.client_id);
  });

  it('a remembered login comes back with skip and the subject; a remembered consent with skip', async () => {
    const c = await newClient('blink-remember', { scope: 'read write' });
    const redirectUri = c.redirect_uris[0];
    const subject = subjectFor('remember');
    const browser = new Browser();
    await signIn(browser, c, { scope: 'read', subject, remember: true });

    const { url } = authorizationUrl(c, 'read');
    const atLogin = expectStep(browser, await step(browser, url, redirectUri), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.equal(login.skip, true, 'the browser remembered the login');
    assert.equal(login.subject, subject);

    // Blink's login page on skip: accept with the subject alone.
    const { data: accepted } = await hydra.acceptOAuth2LoginRequest({
      loginChallenge: atLogin.challenge,
      acceptOAuth2LoginRequest: { subject: login.subject },
    });
    const atConsent = expectStep(browser, await step(browser, accepted.redirect_to, redirectUri), 'consent');
    const { data: consent } = await hydra.getOAuth2ConsentRequest({ consentChallenge: atConsent.challenge });
    assert.equal(consent.skip, true, 'read was granted with remember before');
    assert.equal(consent.subject, subject);
    assert.ok(consent.login_challenge);

    const redirectTo = await blinkAcceptConsent(atConsent.challenge, consent.requested_scope, true);
    const callback = expectStep(browser, await step(browser, redirectTo, redirectUri), 'callback').url;
    const tokens = await exchangeCode(c, callback.searchParams.get('code'));
    assert.equal((await introspect(tokens.access_token)).sub, subject);
  });

  it('a skip_consent client is accepted with its requested scope, without showing consent', async () => {
    const c = await newClient('blink-skip-consent', { scope: 'read write', skip_consent: true });
    assert.equal(c.skip_consent, true);
    const redirectUri = c.redirect_uris[0];
    const subject = subjectFor('skip-consent');
    const browser = new Browser();
    const { url } = authorizationUrl(c, 'read write');

    const atLogin = expectStep(browser, await step(browser, url, redirectUri), 'login');
    const atConsent = expectStep(browser, await step(browser, await blinkAcceptLogin(atLogin.challenge, subject, false), redirectUri), 'consent');
    const { data: consent } = await hydra.getOAuth2ConsentRequest({ consentChallenge: atConsent.challenge });
    assert.equal(consent.client.skip_consent, true);
    assert.ok(consent.login_challenge);

    const callback = expectStep(browser, await step(browser, await blinkAcceptConsent(atConsent.challenge, [], false), redirectUri), 'callback').url;
    const tokens = await exchangeCode(c, callback.searchParams.get('code'));
    assert.deepEqual(scopes(tokens.scope), ['read', 'write']);
  });

  it('rejectOAuth2LoginRequest with access_denied ends at the client with that error', async () => {
    const c = await newClient('blink-reject-login', { scope: 'read' });
    const redirectUri = c.redirect_uris[0];
    const browser = new Browser();
    const { url, state } = authorizationUrl(c, 'read');

    const atLogin = expectStep(browser, await step(browser, url, redirectUri), 'login');
    const { data } = await hydra.rejectOAuth2LoginRequest({ loginChallenge: atLogin.challenge, rejectOAuth2Request: DENIED });
    assert.equal(typeof data.redirect_to, 'string');

    const callback = expectStep(browser, await step(browser, data.redirect_to, redirectUri), 'callback').url;
    assert.equal(callback.searchParams.get('error'), 'access_denied', callback.href);
    assert.equal(callback.searchParams.get('error_description'), DENIED.error_description, callback.href);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('rejectOAuth2ConsentRequest with access_denied ends at the client with that error', async () => {
    const c = await newClient('blink-reject-consent', { scope: 'read' });
    const redirectUri = c.redirect_uris[0];
    const browser = new Browser();
    const { url, state } = authorizationUrl(c, 'read');

    const atLogin = expectStep(browser, await step(browser, url, redirectUri), 'login');
    const atConsent = expectStep(browser,
      await step(browser, await blinkAcceptLogin(atLogin.challenge, subjectFor('reject-consent'), false), redirectUri), 'consent');
    const { data } = await hydra.rejectOAuth2ConsentRequest({ consentChallenge: atConsent.challenge, rejectOAuth2Request: DENIED });
    assert.equal(typeof data.redirect_to, 'string');

    const callback = expectStep(browser, await step(browser, data.redirect_to, redirectUri), 'callback').url;
    assert.equal(callback.searchParams.get('error'), 'access_denied', callback.href);
    assert.equal(callback.searchParams.get('error_description'), DENIED.error_description, callback.href);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('listOAuth2ConsentSessions shows the grant; revokeOAuth2ConsentSessions removes it and its tokens', async () => {
    const c = await newClient('blink-consent-sessions', { scope: 'read write offline' });
    const subject = subjectFor('sessions');
    const tokens = await signIn(new Browser(), c, { scope: 'read offline', subject, remember: true });
    assert.equal(typeof tokens.refresh_token, 'string');

    const { status, data: sessions } = await hydra.listOAuth2ConsentSessions({ subject });
    assert.equal(status, 200);
    assert.ok(Array.isArray(sessions), JSON.stringify(sessions));
    const session = sessions.find((s) => s.consent_request?.client?.client_id === c.client_id);
    assert.ok(session, `no consent session for ${c.client_id}: ${JSON.stringify(sessions)}`);
    assert.deepEqual([...session.grant_scope].sort(), ['offline', 'read']);
    assert.equal(session.remember, true);
    assert.equal(session.remember_for, 3600);
    assert.equal(session.consent_request.subject, subject);

    const revoked = await hydra.revokeOAuth2ConsentSessions({ subject, client: c.client_id });
    assert.equal(revoked.status, 204);

    assert.equal((await introspect(tokens.access_token)).active, false, 'the access token of a revoked consent');
    assert.equal((await introspect(tokens.refresh_token)).active, false, 'the refresh token of a revoked consent');
    const refused = await refresh(c, tokens.refresh_token);
    assert.notEqual(refused.status, 200, `refresh after revocation: ${JSON.stringify(refused.body)}`);

    const { data: after } = await hydra.listOAuth2ConsentSessions({ subject });
    assert.deepEqual(after.filter((s) => s.consent_request?.client?.client_id === c.client_id), []);
  });
});

describe('logout with @ory/hydra-client OAuth2Api', () => {
  it('RP-initiated logout: getOAuth2LogoutRequest, acceptOAuth2LogoutRequest, back at post_logout_redirect_uri; the login is forgotten', async () => {
    const label = 'blink-logout-rp';
    const postLogout = `http://127.0.0.1:9/logged-out/${label}`;
    const c = await newClient(label, { scope: 'openid read', post_logout_redirect_uris: [postLogout] });
    const redirectUri = c.redirect_uris[0];
    const subject = subjectFor('logout-rp');
    const browser = new Browser();
    const tokens = await signIn(browser, c, { scope: 'openid read', subject, remember: true });
    assert.equal(typeof tokens.id_token, 'string');

    const state = randomBytes(12).toString('hex');
    const logoutUrl = `${publicUrl}/oauth2/sessions/logout?${new URLSearchParams({
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: postLogout,
      state,
    })}`;
    const atLogout = expectStep(browser, await step(browser, logoutUrl, postLogout), 'logout');
    const { status, data: logout } = await hydra.getOAuth2LogoutRequest({ logoutChallenge: atLogout.challenge });
    assert.equal(status, 200);
    assert.equal(logout.subject, subject);
    assert.equal(typeof logout.sid, 'string');
    assert.equal(logout.rp_initiated, true);
    assert.equal(logout.client?.client_id, c.client_id);
    assert.ok(logout.request_url.includes('/oauth2/sessions/logout'), `request_url: ${logout.request_url}`);

    const { data: accepted } = await hydra.acceptOAuth2LogoutRequest({ logoutChallenge: atLogout.challenge });
    assert.equal(typeof accepted.redirect_to, 'string');
    const back = expectStep(browser, await step(browser, accepted.redirect_to, postLogout), 'callback').url;
    assert.equal(back.origin + back.pathname, postLogout);
    assert.equal(back.searchParams.get('state'), state);

    // The browser's login session is gone: the next authorization asks for a login again.
    const atLogin = expectStep(browser, await step(browser, authorizationUrl(c, 'read').url, redirectUri), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.equal(login.skip, false);
  });

  it('logout without a hint ends at the default page; rejectOAuth2LogoutRequest keeps the login', async () => {
    const c = await newClient('blink-logout-browser', { scope: 'read' });
    const redirectUri = c.redirect_uris[0];
    const subject = subjectFor('logout-browser');
    const browser = new Browser();
    await signIn(browser, c, { scope: 'read', subject, remember: true });

    // "No" on the logout page: the session stays.
    const first = expectStep(browser, await step(browser, `${publicUrl}/oauth2/sessions/logout`), 'logout');
    const { data: request } = await hydra.getOAuth2LogoutRequest({ logoutChallenge: first.challenge });
    assert.equal(request.subject, subject);
    const rejected = await hydra.rejectOAuth2LogoutRequest({ logoutChallenge: first.challenge });
    assert.equal(rejected.status, 204);
    let atLogin = expectStep(browser, await step(browser, authorizationUrl(c, 'read').url, redirectUri), 'login');
    assert.equal((await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge })).data.skip, true);

    // "Yes": accepted, the browser lands on the default signed-out page, and the session is over.
    const second = expectStep(browser, await step(browser, `${publicUrl}/oauth2/sessions/logout`), 'logout');
    const { data: accepted } = await hydra.acceptOAuth2LogoutRequest({ logoutChallenge: second.challenge });
    const landed = await step(browser, accepted.redirect_to, `${publicUrl}/oauth2/fallbacks/logout/callback`);
    assert.equal(landed.kind, 'callback', browser.trail());
    const page = await browser.request(landed.url.href);
    assert.equal(page.status, 200);

    atLogin = expectStep(browser, await step(browser, authorizationUrl(c, 'read').url, redirectUri), 'login');
    assert.equal((await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge })).data.skip, false);

    // No id_token_hint and no client: Hydra calls this logout not RP-initiated.
    assert.equal(request.rp_initiated, false, `logout request without id_token_hint: ${JSON.stringify({ ...request, client: request.client?.client_id ?? null })}`);
  });
});
