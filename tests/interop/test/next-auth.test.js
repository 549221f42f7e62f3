// next-auth 4.24 (the real package) signing a user in against Glint with the provider configuration of
// Blink's integration guide. next-auth runs without Next.js, behind the small node:http server of
// next-auth-app.js that hands it requests as a Next.js API route would. Everything OAuth is next-auth's own code
// (openid-client v5 inside it): discovery, state and PKCE cookies, the code exchange with
// client_secret_basic, userinfo, the profile callback and its JWT session.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deleteClientQuietly, hydra, introspect, publicUrl } from './helpers.js';
import { Browser, createAuthCodeClient, expectStep, step } from './flow.js';
import { NextAuthApp } from './next-auth-app.js';

const created = [];
const app = new NextAuthApp();
let shimUrl; // e.g. http://127.0.0.1:PORT, what NEXTAUTH_URL points at

/** The provider configuration from Blink's integration guide, for one registered client. */
function blinkProvider(c) {
  return {
    id: 'blink',
    name: 'Blink',
    type: 'oauth',
    wellKnown: `${publicUrl}/.well-known/openid-configuration`,
    clientId: c.client_id,
    clientSecret: c.client_secret,
    authorization: { params: { scope: 'read' } },
    idToken: false,
    checks: ['pkce', 'state'],
    profile(p) {
      return { id: p.sub };
    },
  };
}

before(async () => {
  await app.start();
  shimUrl = app.url;
});

after(async () => {
  await app.stop();
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

/** A client registered the way Blink's dashboard registers its next-auth apps. */
async function registerApp(label) {
  const c = await createAuthCodeClient(label, {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code', 'id_token'],
    scope: 'read write offline',
    redirect_uris: [`${shimUrl}/api/auth/callback/blink`],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  created.push(c.client_id);
  return c;
}

function useApp(c) {
  app.use([blinkProvider(c)]);
}

function failureContext(browser) {
  return `\nnext-auth errors:\n  ${app.errors.join('\n  ') || '(none)'}\nrequests:\n${browser.trail()}`;
}

/** GET /api/auth/csrf, then POST /api/auth/signin/blink: next-auth's redirect to Glint. */
async function startSignIn(browser) {
  const csrf = await browser.request(`${shimUrl}/api/auth/csrf`, { headers: { accept: 'application/json' } });
  assert.equal(csrf.status, 200, csrf.text + failureContext(browser));
  const { csrfToken } = JSON.parse(csrf.text);
  assert.equal(typeof csrfToken, 'string');

  const signin = await browser.request(`${shimUrl}/api/auth/signin/blink`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, callbackUrl: `${shimUrl}/dashboard` }).toString(),
  });
  assert.equal(signin.status, 302, signin.text + failureContext(browser));
  assert.ok(signin.location?.startsWith(`${publicUrl}/oauth2/auth?`), `next-auth sent the browser to ${signin.location}${failureContext(browser)}`);
  return new URL(signin.location);
}

describe('next-auth 4.24 with Blink\'s provider configuration', () => {
  it('signs a user in: PKCE and state, code exchange with client_secret_basic, profile id from userinfo', async () => {
    const c = await registerApp('next-auth');
    useApp(c);
    const browser = new Browser();
    const subject = `user-next-auth-${randomUUID()}`;
    const callbackPrefix = `${shimUrl}/api/auth/callback/blink`;

    const authorization = await startSignIn(browser);
    assert.equal(authorization.searchParams.get('client_id'), c.client_id);
    assert.equal(authorization.searchParams.get('scope'), 'read');
    assert.equal(authorization.searchParams.get('response_type'), 'code');
    assert.equal(authorization.searchParams.get('redirect_uri'), callbackPrefix);
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorization.searchParams.get('code_challenge'));
    assert.ok(authorization.searchParams.get('state'));

    // The consent app's part, through the admin API.
    const atLogin = expectStep(browser, await step(browser, authorization.href, callbackPrefix), 'login');
    const { data: login } = await hydra.acceptOAuth2LoginRequest({
      loginChallenge: atLogin.challenge,
      acceptOAuth2LoginRequest: { subject, remember: false, remember_for: 3600, acr: '2' },
    });
    const atConsent = expectStep(browser, await step(browser, login.redirect_to, callbackPrefix), 'consent');
    const { data: consentRequest } = await hydra.getOAuth2ConsentRequest({ consentChallenge: atConsent.challenge });
    assert.deepEqual(consentRequest.requested_scope, ['read']);
    const { data: consent } = await hydra.acceptOAuth2ConsentRequest({
      consentChallenge: atConsent.challenge,
      acceptOAuth2ConsentRequest: {
        grant_scope: ['read'],
        grant_access_token_audience: consentRequest.requested_access_token_audience,
        remember: false,
        remember_for: 3600,
      },
    });
    const callback = expectStep(browser, await step(browser, consent.redirect_to, callbackPrefix), 'callback').url;

    // Back at next-auth: it checks state, PKCE and iss, redeems the code, calls userinfo, sets its session.
    const done = await browser.request(callback.href);
    assert.equal(done.status, 302, done.text + failureContext(browser));
    assert.equal(done.location, `${shimUrl}/dashboard`, `next-auth redirected to ${done.location}${failureContext(browser)}`);
    assert.deepEqual(app.errors, []);

    const sessionResponse = await browser.request(`${shimUrl}/api/auth/session`, { headers: { accept: 'application/json' } });
    assert.equal(sessionResponse.status, 200);
    const session = JSON.parse(sessionResponse.text);
    assert.equal(session?.user?.id, subject, `session: ${sessionResponse.text}${failureContext(browser)}`);
    assert.ok(session.expires, `session: ${sessionResponse.text}`);

    // The access token next-auth kept is the one Blink's apps send as Oauth2-Token.
    const description = await introspect(session.accessToken);
    assert.equal(description.active, true);
    assert.equal(description.sub, subject);
    assert.equal(description.scope, 'read');
    assert.equal(description.client_id, c.client_id);
  });

  it('a denied consent ends in next-auth\'s error redirect, without a session', async () => {
    const c = await registerApp('next-auth-denied');
    useApp(c);
    const browser = new Browser();
    const callbackPrefix = `${shimUrl}/api/auth/callback/blink`;

    const authorization = await startSignIn(browser);
    const atLogin = expectStep(browser, await step(browser, authorization.href, callbackPrefix), 'login');
    const { data: login } = await hydra.acceptOAuth2LoginRequest({
      loginChallenge: atLogin.challenge,
      acceptOAuth2LoginRequest: { subject: `user-denied-${randomUUID()}`, remember: false, remember_for: 3600, acr: '2' },
    });
    const atConsent = expectStep(browser, await step(browser, login.redirect_to, callbackPrefix), 'consent');
    const { data: rejected } = await hydra.rejectOAuth2ConsentRequest({
      consentChallenge: atConsent.challenge,
      rejectOAuth2Request: { error: 'access_denied', error_description: 'The resource owner denied the request' },
    });
    const callback = expectStep(browser, await step(browser, rejected.redirect_to, callbackPrefix), 'callback').url;
    assert.equal(callback.searchParams.get('error'), 'access_denied');

    const done = await browser.request(callback.href);
    assert.equal(done.status, 302, done.text + failureContext(browser));
    assert.ok(done.location?.startsWith(`${shimUrl}/api/auth/`) && done.location.includes('error='),
      `next-auth redirected to ${done.location}${failureContext(browser)}`);
    assert.ok(app.errors.some((line) => line.includes('The resource owner denied the request')), failureContext(browser));

    const sessionResponse = await browser.request(`${shimUrl}/api/auth/session`, { headers: { accept: 'application/json' } });
    assert.deepEqual(JSON.parse(sessionResponse.text), {});
  });
});
