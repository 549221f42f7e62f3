// Glint's admin API driven by Ory's own SDK (@ory/hydra-client 2.2.0, the SDK of Hydra v2.2.0):
// whatever this SDK sends and expects, Glint must accept and answer the way Hydra does.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Configuration, JwkApi } from '@ory/hydra-client';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import {
  adminUrl,
  createClient,
  deleteClientQuietly,
  fetchAccessToken,
  hydra,
  issuer,
  publicUrl,
  requestToken,
  uniqueName,
} from './helpers.js';

const created = [];

async function newClient(label, overrides) {
  const client = await createClient(label, overrides);
  created.push(client.client_id);
  return client;
}

after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

/** Runs an SDK call that must fail and returns the axios error's HTTP response. */
async function expectHttpError(call) {
  try {
    const { status, data } = await call();
    assert.fail(`expected an HTTP error, got ${status}: ${JSON.stringify(data)}`);
  } catch (error) {
    if (!error?.response) {
      throw error;
    }
    return error.response;
  }
}

/** The rel="next" page_token from a Link header, or undefined on the last page. */
function nextPageToken(linkHeader) {
  for (const part of (linkHeader ?? '').split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (match) {
      return new URL(match[1], 'http://link.invalid').searchParams.get('page_token') ?? undefined;
    }
  }
  return undefined;
}

describe('Hydra admin client API via @ory/hydra-client', () => {
  it('createOAuth2Client returns the client with a generated secret, and getOAuth2Client reads it back without the secret', async () => {
    const name = uniqueName('create');
    const client = await newClient('create', { client_name: name, scope: 'read write' });

    assert.equal(typeof client.client_id, 'string');
    assert.ok(client.client_id.length > 0, 'client_id is empty');
    assert.equal(typeof client.client_secret, 'string');
    assert.ok(client.client_secret.length >= 6, `client_secret is too short: ${client.client_secret}`);
    assert.equal(client.client_name, name);
    assert.equal(client.scope, 'read write');
    assert.deepEqual(client.grant_types, ['client_credentials']);
    assert.equal(client.token_endpoint_auth_method, 'client_secret_basic', 'Hydra defaults token_endpoint_auth_method to client_secret_basic');

    const { status, data } = await hydra.getOAuth2Client({ id: client.client_id });
    assert.equal(status, 200);
    assert.equal(data.client_id, client.client_id);
    assert.equal(data.client_name, name);
    assert.equal(data.scope, 'read write');
    assert.deepEqual(data.grant_types, ['client_credentials']);
    assert.ok(!data.client_secret, `getOAuth2Client must not return the secret, got ${JSON.stringify(data.client_secret)}`);
  });

  it('listOAuth2Clients pages with pageSize and finds the created client', async () => {
    const client = await newClient('list');
    const pageSize = 2;

    let found;
    let pageToken;
    let pages = 0;
    do {
      const { status, data, headers } = await hydra.listOAuth2Clients({ pageSize, pageToken });
      assert.equal(status, 200);
      assert.ok(Array.isArray(data), `expected an array, got ${JSON.stringify(data)}`);
      assert.ok(data.length <= pageSize, `page has ${data.length} clients, more than pageSize ${pageSize}`);
      found ??= data.find((c) => c.client_id === client.client_id);
      pageToken = nextPageToken(headers.link);
      pages += 1;
      assert.ok(pages <= 1000, 'more than 1000 pages: the Link header never ends');
    } while (!found && pageToken);

    assert.ok(found, `client ${client.client_id} not found in ${pages} page(s) of listOAuth2Clients`);
    assert.equal(found.client_name, client.client_name);
    assert.ok(!found.client_secret, 'listOAuth2Clients must not return secrets');
  });

  it('listOAuth2Clients filters by clientName', async () => {
    const client = await newClient('list-by-name');
    await newClient('list-by-name-other');

    const { status, data } = await hydra.listOAuth2Clients({ pageSize: 10, clientName: client.client_name });
    assert.equal(status, 200);
    assert.deepEqual(data.map((c) => c.client_id), [client.client_id]);
  });

  it('setOAuth2Client (PUT) without a secret updates the client and keeps the old secret working', async () => {
    const client = await newClient('put', { scope: 'read' });
    const { data: current } = await hydra.getOAuth2Client({ id: client.client_id });

    const newName = uniqueName('put-renamed');
    const replacement = { ...current, client_name: newName, scope: 'read write' };
    delete replacement.client_secret;
    const { status, data } = await hydra.setOAuth2Client({ id: client.client_id, oAuth2Client: replacement });
    assert.equal(status, 200);
    assert.equal(data.client_id, client.client_id);
    assert.equal(data.client_name, newName);
    assert.equal(data.scope, 'read write');

    const { data: reread } = await hydra.getOAuth2Client({ id: client.client_id });
    assert.equal(reread.client_name, newName);
    assert.equal(reread.scope, 'read write');

    // The secret was not sent, so the one from creation must still authenticate, with the new scope allowed.
    const token = await fetchAccessToken(client.client_id, client.client_secret, { scope: 'write' });
    assert.ok(token.length > 0);
  });

  it('patchOAuth2Client (JSON Patch replace) changes client_name and keeps the secret', async () => {
    const client = await newClient('patch');
    const newName = uniqueName('patch-renamed');

    const { status, data } = await hydra.patchOAuth2Client({
      id: client.client_id,
      jsonPatch: [{ op: 'replace', path: '/client_name', value: newName }],
    });
    assert.equal(status, 200);
    assert.equal(data.client_id, client.client_id);
    assert.equal(data.client_name, newName);
    assert.equal(data.scope, client.scope, 'fields the patch does not touch stay as they were');

    const { data: reread } = await hydra.getOAuth2Client({ id: client.client_id });
    assert.equal(reread.client_name, newName);

    const token = await fetchAccessToken(client.client_id, client.client_secret);
    assert.ok(token.length > 0);
  });

  it('deleteOAuth2Client removes the client: getOAuth2Client then answers 404 and its secret no longer works', async () => {
    const client = await newClient('delete');

    const { status } = await hydra.deleteOAuth2Client({ id: client.client_id });
    assert.equal(status, 204);

    const response = await expectHttpError(() => hydra.getOAuth2Client({ id: client.client_id }));
    assert.equal(response.status, 404);
    assert.equal(typeof response.data?.error, 'string', `404 body should be a Hydra error: ${JSON.stringify(response.data)}`);

    const token = await requestToken(client.client_id, client.client_secret);
    assert.equal(token.status, 401, `token request for a deleted client: ${JSON.stringify(token.body)}`);
    assert.equal(token.body?.error, 'invalid_client');
  });

  it('introspectOAuth2Token describes a token from the token endpoint', async () => {
    const client = await newClient('introspect', { scope: 'read write' });
    const token = await fetchAccessToken(client.client_id, client.client_secret, { scope: 'read' });

    const { status, data } = await hydra.introspectOAuth2Token({ token });
    assert.equal(status, 200);
    assert.equal(data.active, true, `introspection: ${JSON.stringify(data)}`);
    assert.equal(data.client_id, client.client_id);
    assert.equal(data.sub, client.client_id, 'a client_credentials token is about the client itself');
    assert.equal(data.scope, 'read');
    assert.equal(data.iss, issuer);
    assert.equal(data.token_use, 'access_token');
    const now = Math.floor(Date.now() / 1000);
    assert.ok(typeof data.exp === 'number' && data.exp > now, `exp should be in the future: ${data.exp}`);
    assert.ok(typeof data.iat === 'number' && data.iat <= now + 5, `iat should not be in the future: ${data.iat}`);
  });

  it('introspectOAuth2Token says active false for an unknown token', async () => {
    const { status, data } = await hydra.introspectOAuth2Token({ token: 'glint_at_this-token-was-never-issued' });
    assert.equal(status, 200);
    assert.equal(data.active, false);
  });
});

describe('Hydra admin JWK API via @ory/hydra-client', () => {
  const jwk = new JwkApi(new Configuration({ basePath: adminUrl }));

  it('getJsonWebKeySet gives the public keys that verify a JWT access token, and never a private member', async () => {
    const client = await newClient('jwks', { access_token_strategy: 'jwt', scope: 'read' });
    const token = await fetchAccessToken(client.client_id, client.client_secret, { scope: 'read' });

    for (const set of ['hydra.jwt.access-token', 'hydra.openid.id-token']) {
      const { status, data } = await jwk.getJsonWebKeySet({ set });
      assert.equal(status, 200);
      assert.ok(data.keys.length > 0, `${set} has no keys`);
      for (const key of data.keys) {
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
          assert.equal(key[member], undefined, `${set} key ${key.kid} carries its private member ${member}`);
        }
      }

      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: data.keys }), { issuer });
      assert.equal(payload.client_id, client.client_id);
      const one = await jwk.getJsonWebKey({ set, kid: protectedHeader.kid });
      assert.deepEqual(one.data.keys.map((key) => key.kid), [protectedHeader.kid]);
    }
  });

  it('createJsonWebKeySet is refused with a Hydra error, and an unknown set is not found', async () => {
    const refused = await expectHttpError(() => jwk.createJsonWebKeySet({
      set: 'hydra.openid.id-token',
      createJsonWebKeySet: { alg: 'RS256', use: 'sig', kid: 'interop' },
    }));
    assert.equal(refused.status, 403);
    assert.match(refused.data?.error_description ?? '', /glint keys rotate/);

    const missing = await expectHttpError(() => jwk.getJsonWebKeySet({ set: uniqueName('set') }));
    assert.equal(missing.status, 404);
    assert.equal(typeof missing.data?.error, 'string');
  });
});

describe('Hydra trust API and the JWT-bearer grant via @ory/hydra-client', () => {
  const grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

  /** Trades an assertion for a token at the token endpoint, the client authenticating with client_secret_basic. */
  async function exchange(client, assertion) {
    const response = await fetch(`${publicUrl}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: grantType, assertion, scope: 'read' }),
    });
    return { status: response.status, body: await response.json() };
  }

  it('trustOAuth2JwtGrantIssuer lets the issuer\'s ES256 assertions buy tokens for the subject, until the trust is deleted', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const kid = randomUUID();
    const trustedIssuer = `https://${uniqueName('idp')}.example`;
    const subject = uniqueName('subject');
    const { status, data: trust } = await hydra.trustOAuth2JwtGrantIssuer({
      trustOAuth2JwtGrantIssuer: {
        issuer: trustedIssuer,
        subject,
        scope: ['read'],
        jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    assert.equal(status, 201);
    assert.equal(trust.issuer, trustedIssuer);
    assert.deepEqual(trust.public_key, { set: trustedIssuer, kid });

    const read = await hydra.getTrustedOAuth2JwtGrantIssuer({ id: trust.id });
    assert.equal(read.data.subject, subject);
    const listed = await hydra.listTrustedOAuth2JwtGrantIssuers({ issuer: trustedIssuer });
    assert.deepEqual(listed.data.map((t) => t.id), [trust.id]);

    const client = await newClient('jwt-bearer', { grant_types: [grantType], scope: 'read' });
    const assertion = () => new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(trustedIssuer)
      .setSubject(subject)
      .setAudience(`${publicUrl}/oauth2/token`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(privateKey);

    const granted = await exchange(client, await assertion());
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.refresh_token, undefined);
    const { data: introspected } = await hydra.introspectOAuth2Token({ token: granted.body.access_token });
    assert.equal(introspected.active, true);
    assert.equal(introspected.sub, subject);
    assert.equal(introspected.client_id, client.client_id);

    const deleted = await hydra.deleteTrustedOAuth2JwtGrantIssuer({ id: trust.id });
    assert.equal(deleted.status, 204);
    const refused = await exchange(client, await assertion());
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
  });
});
