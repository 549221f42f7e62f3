// Pushed authorization requests (RFC 9126) with oauth4webapi, a standards-strict client: discovery names the
// endpoint, the client pushes its request (client_secret_basic, or none for a public client), sends the browser
// to /oauth2/auth with only client_id and request_uri, and redeems the code. The request_uri works once; a
// client that must push is refused without it; errors of the push come back as OAuth error JSON.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { deleteClientQuietly, issuer, publicUrl } from './helpers.js';
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

async function newClient(label, overrides) {
  const c = await createAuthCodeClient(label, overrides);
  created.push(c.client_id);
  return c;
}

function authentication(c) {
  return c.client_secret ? oauth.ClientSecretBasic(c.client_secret) : oauth.None();
}

/** A pushed request for `c`; returns what the client keeps for the callback and the PAR response. */
async function push(c, { scope = 'openid offline read' } = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const parameters = new URLSearchParams({
    response_type: 'code',
    redirect_uri: c.redirect_uris[0],
    scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const response = await oauth.pushedAuthorizationRequest(as, { client_id: c.client_id }, authentication(c), parameters, insecure);
  const pushed = await oauth.processPushedAuthorizationResponse(as, { client_id: c.client_id }, response);
  return { verifier, state, nonce, pushed };
}

function byReference(c, requestUri) {
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', c.client_id);
  url.searchParams.set('request_uri', requestUri);
  return url.href;
}

function subjectFor(label) {
  return `user-${label}-${randomUUID()}`;
}

/** The whole flow from a pushed request to tokens, validated by oauth4webapi at each step. */
async function codeFlow(c, label) {
  const { verifier, state, nonce, pushed } = await push(c);
  const redirectUri = c.redirect_uris[0];
  const callback = await authorize(new Browser(), byReference(c, pushed.request_uri), { subject: subjectFor(label), redirectUri });
  const client = { client_id: c.client_id };
  const parameters = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, authentication(c), parameters, redirectUri, verifier, insecure);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
  return { pushed, tokens };
}

describe('oauth4webapi: pushed authorization requests', () => {
  it('discovery names the pushed authorization request endpoint and does not require it of every client', () => {
    assert.equal(as.pushed_authorization_request_endpoint, `${publicUrl}/oauth2/par`);
    assert.equal(as.require_pushed_authorization_requests, false);
  });

  it('a confidential client pushes, authorizes by reference and redeems the code (ID token validated)', async () => {
    const c = await newClient('par-basic');
    const { pushed, tokens } = await codeFlow(c, 'par-basic');
    assert.match(pushed.request_uri, /^urn:ietf:params:oauth:request_uri:/);
    assert.ok(pushed.expires_in > 0 && pushed.expires_in <= 60, `expires_in: ${pushed.expires_in}`);
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal(typeof tokens.refresh_token, 'string');
    assert.equal(oauth.getValidatedIdTokenClaims(tokens).iss, issuer);
  });

  it('a public client pushes without a secret', async () => {
    const c = await newClient('par-public', { token_endpoint_auth_method: 'none' });
    const { tokens } = await codeFlow(c, 'par-public');
    assert.equal(typeof tokens.access_token, 'string');
  });

  it('a request_uri works once: the second authorization request with it gets invalid_request_uri', async () => {
    const c = await newClient('par-once');
    const { pushed } = await push(c);
    const first = await new Browser().request(byReference(c, pushed.request_uri));
    assert.equal(first.status, 302, first.text);
    assert.ok(new URL(first.location).searchParams.has('login_challenge'), first.location);

    const again = await new Browser().request(byReference(c, pushed.request_uri));
    assert.equal(again.status, 400);
    assert.match(again.text, /<code>invalid_request_uri<\/code>/);
    assert.equal(again.location, undefined);
  });

  it('a client with require_pushed_authorization_requests is refused without a push and served with one', async () => {
    const c = await newClient('par-required', { require_pushed_authorization_requests: true });
    const direct = new URL(as.authorization_endpoint);
    for (const [name, value] of Object.entries({
      client_id: c.client_id,
      response_type: 'code',
      redirect_uri: c.redirect_uris[0],
      scope: 'read',
      state: oauth.generateRandomState(),
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    })) {
      direct.searchParams.set(name, value);
    }
    const refused = await new Browser().request(direct.href);
    assert.equal(refused.status, 400);
    assert.match(refused.text, /<code>invalid_request<\/code>/);

    const { tokens } = await codeFlow(c, 'par-required');
    assert.equal(typeof tokens.access_token, 'string');
  });

  it('a push carrying a request_uri, or a redirect_uri the client did not register, is invalid_request', async () => {
    const c = await newClient('par-errors');
    const { pushed } = await push(c);
    const client = { client_id: c.client_id };
    for (const extra of [{ request_uri: pushed.request_uri }, { redirect_uri: 'http://127.0.0.1:9/not-registered' }]) {
      const parameters = new URLSearchParams({
        response_type: 'code',
        redirect_uri: c.redirect_uris[0],
        scope: 'read',
        state: oauth.generateRandomState(),
        ...extra,
      });
      const response = await oauth.pushedAuthorizationRequest(as, client, authentication(c), parameters, insecure);
      await assert.rejects(oauth.processPushedAuthorizationResponse(as, client, response), (error) => {
        assert.ok(error instanceof oauth.ResponseBodyError, String(error));
        assert.equal(error.error, 'invalid_request');
        assert.equal(error.status, 400);
        return true;
      });
    }
  });

  it('a push with a wrong secret is 401 invalid_client, with a Basic challenge', async () => {
    const c = await newClient('par-secret');
    const client = { client_id: c.client_id };
    const parameters = new URLSearchParams({ response_type: 'code', redirect_uri: c.redirect_uris[0], scope: 'read', state: oauth.generateRandomState() });
    const response = await oauth.pushedAuthorizationRequest(as, client, oauth.ClientSecretBasic('not-the-secret'), parameters, insecure);
    await assert.rejects(oauth.processPushedAuthorizationResponse(as, client, response), (error) => {
      // oauth4webapi reports the WWW-Authenticate challenge of a 401 before its body.
      assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
      assert.equal(error.status, 401);
      const [challenge] = error.cause;
      assert.equal(challenge.scheme, 'basic');
      assert.equal(challenge.parameters.error, 'invalid_client');
      return true;
    });
  });
});
