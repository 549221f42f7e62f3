// DPoP (RFC 9449) with oauth4webapi's DPoP handle, a standards-strict client: discovery names the proof
// algorithms; a client_credentials token and a code flow's tokens come back as token_type DPoP, bound to the
// handle's key (cnf.jkt in introspection); /userinfo and /graphql answer the bound token with a proof
// (Authorization: DPoP) and refuse it as a bearer token, with a DPoP challenge.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { glint, operatorUnavailable } from './api.js';
import { adminUrl, createClient, deleteClientQuietly, issuer, publicUrl } from './helpers.js';
import { Browser, authorize, createAuthCodeClient } from './flow.js';

const insecure = { [oauth.allowInsecureRequests]: true };
const created = [];
let as;

before(async () => {
  const issuerUrl = new URL(issuer);
  as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, insecure));
});

after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

async function introspect(token) {
  const response = await fetch(`${adminUrl}/admin/oauth2/introspect`, { method: 'POST', body: new URLSearchParams({ token }) });
  assert.equal(response.status, 200);
  return response.json();
}

/** A fresh DPoP handle (ES256 key pair) for `client`. */
async function dpopHandle(client) {
  return oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
}

/** The code flow for `subject` with a public client, the code bound to the handle's key (dpop_jkt), redeemed with proofs. */
async function codeFlow(label, subject, DPoP, scope = 'openid offline read') {
  const c = await createAuthCodeClient(label, { token_endpoint_auth_method: 'none', scope });
  created.push(c.client_id);
  const client = { client_id: c.client_id };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: c.client_id,
    response_type: 'code',
    redirect_uri: c.redirect_uris[0],
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    dpop_jkt: await DPoP.calculateThumbprint(),
  })) {
    url.searchParams.set(name, value);
  }
  const callback = await authorize(new Browser(), url.href, { subject, redirectUri: c.redirect_uris[0] });
  const parameters = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), parameters, c.redirect_uris[0], verifier, { ...insecure, DPoP });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  return { client, tokens };
}

describe('oauth4webapi: DPoP', () => {
  it('discovery names the DPoP proof algorithms', () => {
    assert.ok(as.dpop_signing_alg_values_supported.includes('ES256'), JSON.stringify(as.dpop_signing_alg_values_supported));
  });

  it('client_credentials with a DPoP proof gets a DPoP token bound to the key', async () => {
    const c = await createClient('dpop-machine', { scope: 'read' });
    created.push(c.client_id);
    const client = { client_id: c.client_id };
    const DPoP = await dpopHandle(client);
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(c.client_secret), { scope: 'read' }, { ...insecure, DPoP });
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    assert.equal(tokens.token_type, 'dpop');
    const introspection = await introspect(tokens.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.cnf.jkt, await DPoP.calculateThumbprint());
  });

  it('a code bound with dpop_jkt gives DPoP tokens: /userinfo answers with a proof, refuses bearer; the refresh token needs the same key', async () => {
    const subject = `user-dpop-${randomUUID()}`;
    // The handle reads only the client's clock skew, so it can be made before the client is registered.
    const DPoP = await dpopHandle({});
    const { client, tokens } = await codeFlow('dpop-userinfo', subject, DPoP);
    assert.equal(tokens.token_type, 'dpop');
    assert.equal((await introspect(tokens.access_token)).cnf.jkt, await DPoP.calculateThumbprint());

    const userinfo = await oauth.processUserInfoResponse(as, client, subject, await oauth.userInfoRequest(as, client, tokens.access_token, { ...insecure, DPoP }));
    assert.equal(userinfo.sub, subject);

    const asBearer = await fetch(as.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(asBearer.status, 401);
    assert.match(asBearer.headers.get('www-authenticate'), /^DPoP error="invalid_token"/);
    assert.equal((await asBearer.json()).error, 'invalid_token');

    const otherKey = await dpopHandle(client);
    const refusedRefresh = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, { ...insecure, DPoP: otherKey });
    await assert.rejects(oauth.processRefreshTokenResponse(as, client, refusedRefresh), (error) => {
      assert.ok(error instanceof oauth.ResponseBodyError, String(error));
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
    const refreshed = await oauth.processRefreshTokenResponse(as, client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, { ...insecure, DPoP }));
    assert.equal(refreshed.token_type, 'dpop');
  });

  it('/graphql answers a bound token with a proof and refuses it as Oauth2-Token alone', { skip: operatorUnavailable }, async () => {
    const suffix = randomUUID().slice(0, 8);
    const user = glint('users', 'create', '--email', `dpop-${suffix}@example.com`, '--username', `dpop_${suffix}`);
    const DPoP = await dpopHandle({});
    const { tokens } = await codeFlow('dpop-graphql', user.user_id, DPoP, 'openid read');
    const body = JSON.stringify({ query: 'query { me { id } }' });
    const headers = new Headers({ 'content-type': 'application/json' });

    const response = await oauth.protectedResourceRequest(tokens.access_token, 'POST', new URL(`${publicUrl}/graphql`), headers, body, { ...insecure, DPoP });
    assert.equal(response.status, 200);
    const { data, errors } = await response.json();
    assert.equal(errors, undefined, JSON.stringify(errors));
    assert.equal(data.me.id, user.user_id);

    const bare = await fetch(`${publicUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'oauth2-token': tokens.access_token }, body });
    assert.equal(bare.status, 401);
    assert.match(bare.headers.get('www-authenticate'), /^DPoP error="invalid_token"/);
    assert.equal((await bare.json()).error.code, 401);
  });
});
