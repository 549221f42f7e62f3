// Glint's public endpoints driven by openid-client v6 (a certified relying-party library):
// discovery, the client_credentials grant and token revocation, checked through admin introspection,
// for both access token strategies (opaque and jwt).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createClient, deleteClientQuietly, introspect, issuer, publicUrl } from './helpers.js';

const created = [];

after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

/** openid-client configuration for a client, found by discovery; http is allowed because Glint runs on loopback. */
async function discover(clientId, clientSecret, clientAuthentication) {
  return client.discovery(new URL(publicUrl), clientId, clientSecret, clientAuthentication, {
    execute: [client.allowInsecureRequests],
  });
}

describe('openid-client discovery', () => {
  it('finds the issuer and the token, revocation and jwks endpoints', async () => {
    const c = await createClient('discovery');
    created.push(c.client_id);

    const config = await discover(c.client_id, c.client_secret);
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, issuer);
    assert.equal(metadata.token_endpoint, `${publicUrl}/oauth2/token`);
    assert.equal(metadata.revocation_endpoint, `${publicUrl}/oauth2/revoke`);
    assert.equal(metadata.jwks_uri, `${publicUrl}/.well-known/jwks.json`);
    assert.ok(metadata.grant_types_supported?.includes('client_credentials'), `grant_types_supported: ${metadata.grant_types_supported}`);
  });

  it('announces the issuer verbatim, the requestable scopes, and private_key_jwt but not client_secret_jwt', async () => {
    const response = await fetch(`${publicUrl}/.well-known/openid-configuration`);
    const metadata = await response.json();
    assert.equal(metadata.issuer, publicUrl, 'the configured issuer, without a trailing slash added');
    for (const scope of ['openid', 'offline', 'offline_access', 'read', 'write', 'receive']) {
      assert.ok(metadata.scopes_supported.includes(scope), `scopes_supported: ${metadata.scopes_supported}`);
    }
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    assert.ok(!metadata.token_endpoint_auth_methods_supported.includes('client_secret_jwt'));
  });
});

describe('userinfo errors (RFC 6750)', () => {
  it('no token: 401 with a bare Bearer challenge and a JSON error', async () => {
    const response = await fetch(`${publicUrl}/userinfo`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer');
    const body = await response.json();
    assert.equal(body.error, 'request_unauthorized');
    assert.equal(body.error_uri, undefined);
  });

  it('an unusable token: 401 invalid_token in the challenge and the body', async () => {
    const response = await fetch(`${publicUrl}/userinfo`, { headers: { authorization: 'Bearer glint_at_not-a-token' } });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token", error_description="/);
    const body = await response.json();
    assert.equal(body.error, 'invalid_token');
    assert.equal(body.error_uri, undefined);
  });
});

for (const strategy of ['opaque', 'jwt']) {
  describe(`openid-client with access_token_strategy ${strategy}`, () => {
    it('client_credentials grant, introspection, revocation, introspection again', async () => {
      const overrides = { scope: 'read write' };
      if (strategy === 'jwt') {
        overrides.access_token_strategy = 'jwt';
      }
      const c = await createClient(`cc-${strategy}`, overrides);
      created.push(c.client_id);
      if (strategy === 'jwt') {
        assert.equal(c.access_token_strategy, 'jwt', 'the created client should echo access_token_strategy');
      }

      const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
      const tokens = await client.clientCredentialsGrant(config, { scope: 'read' });
      const accessToken = tokens.access_token;
      assert.equal(typeof accessToken, 'string');
      assert.equal(tokens.token_type, 'bearer');
      assert.ok(typeof tokens.expires_in === 'number' && tokens.expires_in > 0, `expires_in: ${tokens.expires_in}`);
      assert.equal(tokens.refresh_token, undefined, 'client_credentials issues no refresh token');

      if (strategy === 'opaque') {
        assert.match(accessToken, /^glint_at_/, 'opaque access tokens carry the glint_at_ prefix');
      } else {
        assert.equal(accessToken.split('.').length, 3, `expected a JWS compact token, got ${accessToken}`);
        const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
        const { payload } = await jwtVerify(accessToken, jwks, { issuer });
        assert.equal(payload.client_id, c.client_id);
        assert.equal(payload.sub, c.client_id);
        // Hydra's strategies.jwt.scope_claim decides the shape: an `scp` array (its default), a `scope`
        // string (RFC 9068), or both. Either way the granted scope must be there, and nothing more.
        const granted = payload.scp ?? payload.scope?.split(' ');
        assert.deepEqual(granted, ['read'], `scope claims: scp=${JSON.stringify(payload.scp)} scope=${JSON.stringify(payload.scope)}`);
        if (payload.scp !== undefined && payload.scope !== undefined) {
          assert.deepEqual(payload.scope.split(' '), payload.scp, 'scope and scp must agree');
        }
        assert.equal(typeof payload.jti, 'string');
        assert.deepEqual(Object.keys(payload).filter((name) => name.startsWith('oi_')), [], 'no engine-private claims');
      }

      const active = await introspect(accessToken);
      assert.equal(active.active, true, `introspection before revocation: ${JSON.stringify(active)}`);
      assert.equal(active.client_id, c.client_id);
      assert.equal(active.scope, 'read');

      const revoked = await client.tokenRevocation(config, accessToken);
      assert.equal(revoked, undefined);

      const inactive = await introspect(accessToken);
      assert.equal(inactive.active, false, `introspection after revocation: ${JSON.stringify(inactive)}`);
    });

    it('a scope the client was not granted is refused with invalid_scope', async () => {
      const overrides = { scope: 'read' };
      if (strategy === 'jwt') {
        overrides.access_token_strategy = 'jwt';
      }
      const c = await createClient(`scope-${strategy}`, overrides);
      created.push(c.client_id);

      const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
      await assert.rejects(client.clientCredentialsGrant(config, { scope: 'write' }), (error) => {
        assert.equal(error.error, 'invalid_scope', `${error.name}: ${error.message} ${error.error ?? ''}`);
        assert.equal(error.status, 400);
        return true;
      });
    });
  });
}
