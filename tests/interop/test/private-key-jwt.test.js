// private_key_jwt (RFC 7523 client authentication) with openid-client 6: the client registers its public key as
// `jwks` (or publishes it at a `jwks_uri`) and signs an assertion for every token request. Covered: the
// client_credentials grant and the authorization code exchange, the key set fetched from a jwks_uri, and the
// refusals as invalid_client: an assertion for another audience, a replayed jti, a key the client did not register.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { createClient, deleteClientQuietly, introspect, publicUrl } from './helpers.js';
import { Browser, authorize, createAuthCodeClient } from './flow.js';

const created = [];
const servers = [];

after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
  for (const server of servers) {
    server.close();
  }
});

/** A client key pair: the private key to sign with, the public JWK to register. */
async function keyPair() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `key-${randomUUID()}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { privateKey, kid, jwk };
}

async function keyClient(label, keys, overrides = {}) {
  const c = await createClient(label, {
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    scope: 'read',
    ...keys,
    ...overrides,
  });
  created.push(c.client_id);
  return c;
}

async function discover(clientId, privateKey, kid, options) {
  return client.discovery(new URL(publicUrl), clientId, undefined, client.PrivateKeyJwt({ key: privateKey, kid }, options), {
    execute: [client.allowInsecureRequests],
  });
}

/** The refusal must be invalid_client, whether openid-client reports it from the body or from a WWW-Authenticate challenge. */
function invalidClient(error) {
  const code = error?.error ?? error?.cause?.[0]?.parameters?.error;
  assert.equal(code, 'invalid_client', `expected invalid_client, got ${error}`);
  assert.equal(error.status, 401);
  return true;
}

describe('openid-client: private_key_jwt at the token endpoint', () => {
  it('discovery advertises private_key_jwt with RS256 among the signing algorithms', async () => {
    const { privateKey, kid, jwk } = await keyPair();
    const c = await keyClient('pkj-discovery', { jwks: { keys: [jwk] } });
    const metadata = (await discover(c.client_id, privateKey, kid)).serverMetadata();
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('private_key_jwt'), `${metadata.token_endpoint_auth_methods_supported}`);
    assert.ok(!metadata.token_endpoint_auth_methods_supported.includes('client_secret_jwt'));
    assert.ok(metadata.token_endpoint_auth_signing_alg_values_supported?.includes('RS256'), `${metadata.token_endpoint_auth_signing_alg_values_supported}`);
  });

  it('client_credentials with a key registered as jwks: an active token issued to the client', async () => {
    const { privateKey, kid, jwk } = await keyPair();
    const c = await keyClient('pkj-cc', { jwks: { keys: [jwk] } });
    const config = await discover(c.client_id, privateKey, kid);

    const tokens = await client.clientCredentialsGrant(config, { scope: 'read' });

    assert.equal(typeof tokens.access_token, 'string');
    const introspection = await introspect(tokens.access_token);
    assert.equal(introspection.active, true);
    assert.equal(introspection.client_id, c.client_id);
  });

  it('the authorization code exchange with private_key_jwt', async () => {
    const { privateKey, kid, jwk } = await keyPair();
    const c = await createAuthCodeClient('pkj-code', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    created.push(c.client_id);
    const config = await discover(c.client_id, privateKey, kid);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const redirectUri = c.redirect_uris[0];
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'read offline',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const callback = await authorize(new Browser(), authorizationUrl.href, { subject: `user-pkj-${randomUUID()}`, redirectUri });

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(typeof tokens.access_token, 'string');
    assert.equal(typeof tokens.refresh_token, 'string');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.equal(typeof refreshed.access_token, 'string');
  });

  it('client_credentials with the key set published at a jwks_uri', async () => {
    const { privateKey, kid, jwk } = await keyPair();
    let requests = 0;
    const server = createServer((request, response) => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    servers.push(server);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const c = await keyClient('pkj-jwks-uri', { jwks_uri: `http://127.0.0.1:${server.address().port}/jwks.json` });
    const config = await discover(c.client_id, privateKey, kid);

    const first = await client.clientCredentialsGrant(config, { scope: 'read' });
    const second = await client.clientCredentialsGrant(config, { scope: 'read' });

    assert.equal(typeof first.access_token, 'string');
    assert.equal(typeof second.access_token, 'string');
    assert.equal(requests, 1, 'the key set is fetched once and cached');
  });

  it('an assertion for another audience is invalid_client', async () => {
    const { privateKey, kid, jwk } = await keyPair();
    const c = await keyClient('pkj-aud', { jwks: { keys: [jwk] } });
    const config = await discover(c.client_id, privateKey, kid, {
      [client.modifyAssertion]: (_header, payload) => {
        payload.aud = 'https://elsewhere.example/oauth2/token';
      },
    });

    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'read' }), invalidClient);
  });

  it('a replayed jti is invalid_client', async () => {
    const { privateKey, kid, jwk } = await keyPair();
    const c = await keyClient('pkj-replay', { jwks: { keys: [jwk] } });
    const jti = randomUUID();
    const config = await discover(c.client_id, privateKey, kid, {
      [client.modifyAssertion]: (_header, payload) => {
        payload.jti = jti;
      },
    });

    const first = await client.clientCredentialsGrant(config, { scope: 'read' });
    assert.equal(typeof first.access_token, 'string');
    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'read' }), invalidClient);
  });

  it('an assertion signed with a key the client did not register is invalid_client', async () => {
    const registered = await keyPair();
    const other = await keyPair();
    const c = await keyClient('pkj-key', { jwks: { keys: [registered.jwk] } });
    const config = await discover(c.client_id, other.privateKey, registered.kid);

    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'read' }), invalidClient);
  });
});
