// The authorization code flow driven by openid-client v6 (a certified relying-party library), with the
// tests as the login/consent app: PKCE S256, state, the `iss` authorization response parameter, the code
// exchange, refresh token rotation, userinfo without and with `openid`, and ID token validation (nonce).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { deleteClientQuietly, introspect, issuer, publicUrl, scopes } from './helpers.js';
import { Browser, authorize, createAuthCodeClient, expectStep, step } from './flow.js';

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

/** openid-client configuration found by discovery; http is allowed because Glint runs on loopback. */
async function discover(clientId, clientSecret, clientAuthentication) {
  return client.discovery(new URL(publicUrl), clientId, clientSecret, clientAuthentication, {
    execute: [client.allowInsecureRequests],
  });
}

/** The PKCE pair and state a relying party makes for one authorization request. */
async function pkce() {
  const verifier = client.randomPKCECodeVerifier();
  return { verifier, challenge: await client.calculatePKCECodeChallenge(verifier), state: client.randomState() };
}

function subjectFor(label) {
  return `user-${label}-${randomUUID()}`;
}

describe('openid-client: authorization code flow with PKCE', () => {
  it('discovery advertises the authorization code flow, PKCE S256 and the iss response parameter', async () => {
    const c = await newClient('ac-discovery');
    const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
    const metadata = config.serverMetadata();
    assert.equal(metadata.authorization_endpoint, `${publicUrl}/oauth2/auth`);
    assert.equal(metadata.userinfo_endpoint, `${publicUrl}/userinfo`);
    assert.ok(metadata.supportsPKCE(), `code_challenge_methods_supported: ${metadata.code_challenge_methods_supported}`);
    assert.ok(metadata.grant_types_supported?.includes('authorization_code'), `grant_types_supported: ${metadata.grant_types_supported}`);
    assert.ok(metadata.grant_types_supported?.includes('refresh_token'), `grant_types_supported: ${metadata.grant_types_supported}`);
    assert.ok(metadata.response_types_supported?.includes('code'), `response_types_supported: ${metadata.response_types_supported}`);
  });

  it('code + PKCE without openid: tokens, refresh token rotation, userinfo with the subject', async () => {
    const c = await newClient('ac-pkce');
    const redirectUri = c.redirect_uris[0];
    const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
    const { verifier, challenge, state } = await pkce();
    const subject = subjectFor('pkce');

    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'read offline',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
    });
    const browser = new Browser();
    const callback = await authorize(browser, authorizationUrl.href, { subject, redirectUri });
    assert.ok(callback.searchParams.get('code'), `no code in ${callback.href}`);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), issuer);

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal(typeof tokens.refresh_token, 'string', 'offline was granted, so a refresh token is due');
    assert.ok(typeof tokens.expires_in === 'number' && tokens.expires_in > 0, `expires_in: ${tokens.expires_in}`);
    assert.deepEqual(scopes(tokens.scope), ['offline', 'read']);
    assert.equal(tokens.id_token, undefined, 'no openid scope, so no ID token');
    assert.equal(tokens.claims(), undefined);

    const active = await introspect(tokens.access_token);
    assert.equal(active.active, true, JSON.stringify(active));
    assert.equal(active.sub, subject);
    assert.equal(active.client_id, c.client_id);
    assert.deepEqual(scopes(active.scope), ['offline', 'read']);

    // openid-client v6 does not ask for the openid scope before calling userinfo; Glint answers any access token.
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, subject);
    assert.equal(userinfo.sub, subject);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.equal(refreshed.token_type, 'bearer');
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.equal(typeof refreshed.refresh_token, 'string', 'refresh tokens rotate: a new one comes back');
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.deepEqual(scopes(refreshed.scope), ['offline', 'read']);
    const refreshedInfo = await introspect(refreshed.access_token);
    assert.equal(refreshedInfo.active, true, JSON.stringify(refreshedInfo));
    assert.equal(refreshedInfo.sub, subject);
    assert.equal((await client.fetchUserInfo(config, refreshed.access_token, subject)).sub, subject);
    // Not checked here: that the rotated-out refresh token is refused. Glint keeps it usable for a grace
    // period (oauth2.grant.refresh_token.rotation_grace_period, 10 s by default), so right after the
    // refresh it still works; see the README.
  });

  it('userinfo answers a plain GET with a token that has no openid scope', async () => {
    const c = await newClient('ac-userinfo-plain');
    const redirectUri = c.redirect_uris[0];
    const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
    const { verifier, challenge, state } = await pkce();
    const subject = subjectFor('plain');

    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'read write', code_challenge: challenge, code_challenge_method: 'S256', state,
    });
    const callback = await authorize(new Browser(), authorizationUrl.href, { subject, redirectUri });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.refresh_token, undefined, 'no offline scope, so no refresh token');

    const response = await fetch(`${publicUrl}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' },
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(body.sub, subject);
  });

  it('openid + nonce: openid-client validates the ID token, whose claims carry the subject, nonce, acr and session claims', async () => {
    const c = await newClient('ac-openid');
    const redirectUri = c.redirect_uris[0];
    const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
    const { verifier, challenge, state } = await pkce();
    const nonce = client.randomNonce();
    const subject = subjectFor('openid');

    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid read offline_access',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await authorize(new Browser(), authorizationUrl.href, {
      subject,
      redirectUri,
      login: { remember: false, acr: '2' },
      consent: { session: { id_token: { email: 'alice@example.com' } } },
    });

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    assert.equal(typeof tokens.id_token, 'string');
    assert.equal(typeof tokens.refresh_token, 'string', 'offline_access was granted, so a refresh token is due');
    const claims = tokens.claims();
    assert.equal(claims.iss, issuer);
    assert.deepEqual(Object.keys(claims).filter((name) => name.startsWith('oi_')), [], 'no engine-private claims in the ID token');
    // A resource server pinning the issuer string, as jose's jwtVerify does, accepts the ID token.
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
    await jwtVerify(tokens.id_token, jwks, { issuer: publicUrl, audience: c.client_id });
    assert.equal(claims.sub, subject);
    assert.equal(claims.nonce, nonce);
    assert.ok([claims.aud].flat().includes(c.client_id), `aud: ${JSON.stringify(claims.aud)}`);
    assert.equal(claims.acr, '2');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(typeof claims.auth_time, 'number');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, subject);
    assert.equal(userinfo.sub, subject);
    assert.equal(userinfo.email, 'alice@example.com');

    // A refreshed token set carries a fresh ID token for the same subject.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.equal(typeof refreshed.id_token, 'string', 'openid was granted, so a refresh brings a new ID token');
    assert.equal(refreshed.claims().sub, subject);
  });

  it('a wrong PKCE code_verifier is refused with invalid_grant', async () => {
    const c = await newClient('ac-wrong-verifier');
    const redirectUri = c.redirect_uris[0];
    const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
    const { challenge, state } = await pkce();

    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'read', code_challenge: challenge, code_challenge_method: 'S256', state,
    });
    const callback = await authorize(new Browser(), authorizationUrl.href, { subject: subjectFor('wrong'), redirectUri });
    await assert.rejects(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: state }),
      (error) => {
        assert.ok(error instanceof client.ResponseBodyError, `${error.name}: ${error.message}`);
        assert.equal(error.error, 'invalid_grant');
        return true;
      },
    );
  });

  it('a public client (token_endpoint_auth_method none) completes the flow with PKCE', async () => {
    const c = await newClient('ac-public', { token_endpoint_auth_method: 'none', scope: 'read offline' });
    assert.equal(c.token_endpoint_auth_method, 'none');
    const redirectUri = c.redirect_uris[0];
    const config = await discover(c.client_id, undefined, client.None());
    const { verifier, challenge, state } = await pkce();
    const subject = subjectFor('public');

    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'read offline', code_challenge: challenge, code_challenge_method: 'S256', state,
    });
    const callback = await authorize(new Browser(), authorizationUrl.href, { subject, redirectUri });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal((await introspect(tokens.access_token)).sub, subject);
    assert.equal(typeof tokens.refresh_token, 'string');
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.equal((await client.fetchUserInfo(config, refreshed.access_token, subject)).sub, subject);
  });

  // RFC 7636 section 4.4.1 and RFC 6749 section 4.1.2.1: once the client and its redirect URI are known, an
  // invalid request goes back to the client as an authorization error response (Hydra does so, after login
  // and consent for the PKCE check), not to an error page.
  it('a public client without a PKCE code_challenge is sent back to its redirect_uri with invalid_request', async () => {
    const c = await newClient('ac-public-no-pkce', { token_endpoint_auth_method: 'none', scope: 'read' });
    const redirectUri = c.redirect_uris[0];
    const config = await discover(c.client_id, undefined, client.None());
    const state = client.randomState();

    const authorizationUrl = client.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'read', state });
    const callback = await authorize(new Browser(), authorizationUrl.href, { subject: subjectFor('no-pkce'), redirectUri });
    assert.equal(callback.searchParams.get('code'), null, callback.href);
    assert.equal(callback.searchParams.get('error'), 'invalid_request', callback.href);
    assert.equal(callback.searchParams.get('state'), state);
  });

  it('a scope the client may not request is sent back to its redirect_uri with invalid_scope', async () => {
    const c = await newClient('ac-bad-scope', { scope: 'read' });
    const redirectUri = c.redirect_uris[0];
    const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
    const { challenge, state } = await pkce();

    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'read write', code_challenge: challenge, code_challenge_method: 'S256', state,
    });
    const browser = new Browser();
    const reached = expectStep(browser, await step(browser, authorizationUrl.href, redirectUri), 'callback');
    assert.equal(reached.url.searchParams.get('error'), 'invalid_scope', reached.url.href);
    assert.equal(reached.url.searchParams.get('state'), state);
  });
});
