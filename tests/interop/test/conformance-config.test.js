// The OpenID Foundation's Config OP test plan (oidcc-config-certification-test-plan): its one module checks the
// discovery document and the key set it points to. oauth4webapi reads the document (it refuses an issuer that is
// not the one asked for); the module's conditions are asserted one by one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issuer } from './helpers.js';
import { codeFlow, discover, registerClient } from './conformance.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

describe('OpenID conformance: Config OP plan', () => {
  it('oidcc-discovery-endpoint-verification', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const as = await discover();

    assert.equal(as.issuer, issuer);
    assert.ok(URL.canParse(as.issuer) && !new URL(as.issuer).search && !new URL(as.issuer).hash, as.issuer);
    assert.ok(as.response_types_supported.includes('code'), JSON.stringify(as.response_types_supported));
    assert.ok(as.subject_types_supported.every((type) => ['public', 'pairwise'].includes(type)) && as.subject_types_supported.length > 0);
    assert.ok(as.id_token_signing_alg_values_supported.includes('RS256'), 'RS256 is required');
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
      assert.equal(typeof as[endpoint], 'string', endpoint);
      // The plan requires https everywhere. Glint serves http only on loopback (this suite's server); the rule it
      // keeps is that every endpoint lives under the issuer's scheme and origin.
      const url = new URL(as[endpoint]);
      assert.equal(url.origin, new URL(issuer).origin, endpoint);
      assert.ok(url.protocol === 'https:' || LOOPBACK.has(url.hostname), `${endpoint} is https unless on loopback`);
    }
    assert.equal(as.registration_endpoint, undefined, 'no dynamic registration is announced');

    const jwks = await (await fetch(as.jwks_uri)).json();
    assert.ok(Array.isArray(jwks.keys) && jwks.keys.length > 0);
    for (const key of jwks.keys) {
      assert.equal(typeof key.kty, 'string');
      assert.equal(typeof key.kid, 'string');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
        assert.equal(key[secret], undefined, `no private or symmetric key material (${secret}) in the JWKS`);
      }
    }
    assert.ok(jwks.keys.some((key) => key.kty === 'RSA' && key.use !== 'enc'), 'an RSA signing key for RS256');

    assert.equal(typeof as.request_parameter_supported, 'boolean');
    assert.equal(typeof as.request_uri_parameter_supported, 'boolean');
    assert.equal(typeof as.claims_parameter_supported, 'boolean');
    assert.ok(Array.isArray(as.claims_supported) && as.claims_supported.includes('sub'), JSON.stringify(as.claims_supported));
    assert.ok(as.grant_types_supported.includes('authorization_code'), JSON.stringify(as.grant_types_supported));
    assert.ok(as.scopes_supported.includes('openid'), JSON.stringify(as.scopes_supported));
    for (const scope of as.scopes_supported) {
      assert.match(scope, /^[\x21\x23-\x5b\x5d-\x7e]+$/, 'RFC 6749 3.3 scope-token');
    }
    for (const field of ['ui_locales_supported', 'claims_locales_supported']) {
      if (as[field] !== undefined) {
        assert.ok(Array.isArray(as[field]), field);
      }
    }
    assert.ok(Array.isArray(as.code_challenge_methods_supported), 'code_challenge_methods_supported is an array');
  });

  it('oidcc-discovery-issuer-not-matching-config', async () => {
    // The configured issuer, verbatim (no trailing slash added), is the one in discovery, in the URL discovery was
    // read from, and in every ID token.
    const as = await discover();
    assert.equal(as.issuer, issuer);
    assert.equal(`${as.issuer}/.well-known/openid-configuration`, `${issuer}/.well-known/openid-configuration`);
    const c = await registerClient('issuer-match');
    const { claims, callback } = await codeFlow(c);
    assert.equal(claims.iss, as.issuer);
    assert.equal(callback.searchParams.get('iss'), as.issuer);
  });
});
