// The relying party of Glint's own OpenID conformance suite (test/conformance-*.test.js): a static client
// registered like the OpenID Foundation's test plans register theirs (code flow, client_secret_basic, openid),
// authorization requests built the way the plans build them (state and nonce, no PKCE unless a module asks), the
// tests as the login/consent app through the admin API (no browser), and every response checked by oauth4webapi,
// a standards-strict client, plus the ID token signature against the published JWKS with jose.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { deleteClientQuietly, issuer } from './helpers.js';
import { Browser, authorize, createAuthCodeClient, expectStep, step } from './flow.js';

export { Browser, expectStep, oauth, step };

/** oauth4webapi refuses http unless told: Glint runs on loopback in the suite. */
export const insecure = { [oauth.allowInsecureRequests]: true };

const created = [];
after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

let discovered;
/** The authorization server's metadata, read and checked by oauth4webapi (issuer verbatim, as RFC 8414 asks). */
export async function discover() {
  if (!discovered) {
    const issuerUrl = new URL(issuer);
    discovered = oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { ...insecure, algorithm: 'oidc' }));
  }
  return discovered;
}

let keys;
/** The published JWKS as jose's key set: the suite verifies every ID token's signature with it. */
export async function serverKeys() {
  keys ??= createRemoteJWKSet(new URL((await discover()).jwks_uri));
  return keys;
}

/** A static client as the plans register it; deleted after the file. */
export async function registerClient(label, overrides = {}) {
  const c = await createAuthCodeClient(`conformance-${label}`, {
    scope: 'openid profile email offline_access offline read',
    ...overrides,
  });
  created.push(c.client_id);
  return c;
}

export function subjectFor(label) {
  return `user-${label}-${randomUUID()}`;
}

/** The client authentication the client registered. */
export function authentication(c) {
  switch (c.token_endpoint_auth_method) {
    case 'client_secret_post':
      return oauth.ClientSecretPost(c.client_secret);
    case 'none':
      return oauth.None();
    default:
      return oauth.ClientSecretBasic(c.client_secret);
  }
}

/**
 * An authorization request as the plans send it: response_type code, the client's redirect_uri, scope openid,
 * a state and a nonce. `extra` adds or (with undefined) removes parameters.
 */
export async function authorizationRequest(c, extra = {}) {
  const as = await discover();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const parameters = {
    client_id: c.client_id,
    response_type: 'code',
    redirect_uri: c.redirect_uris[0],
    scope: 'openid',
    state,
    nonce,
    ...extra,
  };
  const url = new URL(as.authorization_endpoint);
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) {
      url.searchParams.set(name, value);
    }
  }
  return { url: url.href, state: parameters.state, nonce: parameters.nonce, parameters };
}

/**
 * The user signs in and consents through the login/consent app (the admin API), and the browser comes back to
 * the client. `login` and `consent` add to the accept bodies; `idTokenClaims` go into the consent's session, as a
 * login app puts the user's profile there. Returns the callback URL.
 */
export async function signIn(browser, c, url, { subject, remember = false, login = {}, consent = {}, idTokenClaims = {} } = {}) {
  return authorize(browser, url, {
    subject,
    redirectUri: c.redirect_uris[0],
    login: { remember, remember_for: remember ? 3600 : 0, ...login },
    consent: { remember, remember_for: remember ? 3600 : 0, session: { id_token: idTokenClaims, access_token: {} }, ...consent },
  });
}

/**
 * Validates the callback (state, iss) and redeems the code; the token response and the ID token are validated by
 * oauth4webapi (iss, aud, exp, iat, nonce, azp) and the signature by jose against the JWKS. Returns the tokens, the
 * ID token's claims and its protected header.
 */
export async function redeem(c, callback, { state, nonce, verifier = oauth.nopkce, requireIdToken = true } = {}) {
  const as = await discover();
  const client = { client_id: c.client_id };
  const parameters = oauth.validateAuthResponse(as, client, callback, state ?? oauth.expectNoState);
  const response = await oauth.authorizationCodeGrantRequest(as, client, authentication(c), parameters, c.redirect_uris[0], verifier, insecure);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce ?? oauth.expectNoNonce,
    requireIdToken,
  });
  if (!tokens.id_token) {
    return { tokens };
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  const { protectedHeader } = await jwtVerify(tokens.id_token, await serverKeys(), { issuer, audience: c.client_id });
  return { tokens, claims, header: protectedHeader };
}

/** The whole code flow for a fresh user: request, sign-in, callback and redemption. */
export async function codeFlow(c, { extra = {}, browser = new Browser(), subject = subjectFor('flow'), ...signInOptions } = {}) {
  const request = await authorizationRequest(c, extra);
  const callback = await signIn(browser, c, request.url, { subject, ...signInOptions });
  const redeemed = await redeem(c, callback, { state: request.state, nonce: request.nonce });
  return { ...redeemed, callback, browser, subject, request };
}

/**
 * The userinfo response, read and checked by oauth4webapi (JSON, sub equal to the ID token's). `as`: 'get' (Bearer
 * header, GET), 'post-header' (Bearer header, POST) or 'post-body' (access_token in a form body, RFC 6750 2.2).
 */
export async function userInfo(c, accessToken, expectedSubject, as = 'get') {
  const metadata = await discover();
  let response;
  if (as === 'get') {
    response = await oauth.userInfoRequest(metadata, { client_id: c.client_id }, accessToken, insecure);
  } else if (as === 'post-header') {
    response = await fetch(metadata.userinfo_endpoint, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  } else {
    response = await fetch(metadata.userinfo_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ access_token: accessToken }),
    });
  }
  return oauth.processUserInfoResponse(metadata, { client_id: c.client_id }, expectedSubject, response);
}

/**
 * An authorization request the server must answer with an error at the client's redirect_uri: returns the
 * callback's error, after oauth4webapi checked its state and iss.
 */
export async function expectAuthorizationError(c, callback, state) {
  const as = await discover();
  assert.equal(callback.origin + callback.pathname, c.redirect_uris[0], `not at the client: ${callback.href}`);
  assert.equal(callback.searchParams.get('code'), null, callback.href);
  try {
    oauth.validateAuthResponse(as, { client_id: c.client_id }, callback, state ?? oauth.expectNoState);
  } catch (error) {
    assert.ok(error instanceof oauth.AuthorizationResponseError, String(error));
    return error;
  }
  assert.fail(`expected an error at the client: ${callback.href}`);
}

/** The login request behind a login challenge, as the login app reads it. */
export { hydra } from './helpers.js';

/** Waits `ms` milliseconds: max_age and auth_time are whole seconds, so those modules must let a second pass. */
export function wait(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
