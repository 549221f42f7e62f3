// Client authentication at the token endpoint: a client registered for client_secret_post must use it,
// and one registered for client_secret_basic (Hydra's default) must use that; the other method is
// refused with 401 invalid_client, as Hydra does.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as client from 'openid-client';
import { createClient, deleteClientQuietly, introspect, publicUrl, requestToken } from './helpers.js';

const created = [];

after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

async function newClient(label, overrides) {
  const c = await createClient(label, overrides);
  created.push(c.client_id);
  return c;
}

async function discover(clientId, clientSecret, clientAuthentication) {
  return client.discovery(new URL(publicUrl), clientId, clientSecret, clientAuthentication, {
    execute: [client.allowInsecureRequests],
  });
}

describe('client_secret_post client', () => {
  it('gets a token with openid-client ClientSecretPost', async () => {
    const c = await newClient('post', { token_endpoint_auth_method: 'client_secret_post' });
    assert.equal(c.token_endpoint_auth_method, 'client_secret_post');

    const config = await discover(c.client_id, c.client_secret, client.ClientSecretPost(c.client_secret));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read' });
    const description = await introspect(tokens.access_token);
    assert.equal(description.active, true);
    assert.equal(description.client_id, c.client_id);
  });

  it('is refused with 401 invalid_client when it authenticates with HTTP Basic (openid-client ClientSecretBasic)', async () => {
    const c = await newClient('post-as-basic', { token_endpoint_auth_method: 'client_secret_post' });

    const config = await discover(c.client_id, c.client_secret, client.ClientSecretBasic(c.client_secret));
    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'read' }), (error) => {
      // openid-client raises ResponseBodyError for an OAuth error body, or WWWAuthenticateChallengeError
      // when the 401 carries a WWW-Authenticate challenge; both carry the HTTP status.
      assert.equal(error.status, 401, `${error.name}: ${error.message}`);
      if (error instanceof client.ResponseBodyError) {
        assert.equal(error.error, 'invalid_client');
      }
      return true;
    });
  });

  it('is refused with 401 invalid_client when it authenticates with HTTP Basic (raw request)', async () => {
    const c = await newClient('post-as-basic-raw', { token_endpoint_auth_method: 'client_secret_post' });

    const refused = await requestToken(c.client_id, c.client_secret, { auth: 'basic' });
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.equal(refused.body?.error, 'invalid_client');

    const allowed = await requestToken(c.client_id, c.client_secret, { auth: 'post' });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  });
});

describe('client_secret_basic client (Hydra default)', () => {
  it('is refused with 401 invalid_client when it sends its secret in the form body', async () => {
    const c = await newClient('basic-as-post');
    assert.equal(c.token_endpoint_auth_method, 'client_secret_basic');

    const refused = await requestToken(c.client_id, c.client_secret, { auth: 'post' });
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.equal(refused.body?.error, 'invalid_client');

    const allowed = await requestToken(c.client_id, c.client_secret, { auth: 'basic' });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  });

  it('is refused with 401 invalid_client for a wrong secret', async () => {
    const c = await newClient('wrong-secret');

    const refused = await requestToken(c.client_id, `${c.client_secret}-wrong`, { auth: 'basic' });
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.equal(refused.body?.error, 'invalid_client');
  });
});
