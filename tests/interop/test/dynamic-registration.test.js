// Dynamic client registration (RFC 7591, RFC 7592) with oauth4webapi, on a throwaway server that turns it on
// (it is off by default). The client registers itself with `dynamicClientRegistrationRequest`, is refused tokens
// while it waits in the operator's review queue, is approved through the admin API (`/admin/apps`), and then
// completes the authorization code flow, validated by oauth4webapi at each step. The registration access token
// reads, updates (and is rotated by) and deletes the registration; without it, or with another's, it is refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { Browser, step, expectStep } from './flow.js';
import { basicAuthorization } from './helpers.js';
import { startGlint, stopGlint } from './glint-server.js';

const insecure = { [oauth.allowInsecureRequests]: true };
const redirectUri = 'http://127.0.0.1:9/callback/dynamic-registration';
let glint;
let as;

before(async () => {
  glint = await startGlint({ OIDC_DYNAMIC_CLIENT_REGISTRATION_ENABLED: 'true' });
  const issuerUrl = new URL(glint.publicUrl);
  as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, insecure));
});

after(async () => {
  if (glint) {
    await stopGlint(glint);
  }
});

async function admin(method, path, body) {
  const response = await fetch(`${glint.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function register(metadata) {
  const response = await oauth.dynamicClientRegistrationRequest(as, metadata, insecure);
  return oauth.processDynamicClientRegistrationResponse(response);
}

async function configuration(client, method, token, body) {
  const response = await fetch(client.registration_client_uri, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The token endpoint's answer to a made-up code: invalid_client while the client is held, invalid_grant once it may ask. */
async function tokenError(client) {
  const response = await fetch(as.token_endpoint, {
    method: 'POST',
    headers: { authorization: basicAuthorization(client.client_id, client.client_secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'made-up', redirect_uri: redirectUri }),
  });
  return (await response.json()).error;
}

/** The login and consent app's part, on the throwaway server's admin API. */
async function accept(kind, challenge, body) {
  const { status, body: answer } = await admin('PUT', `/admin/oauth2/auth/requests/${kind}/accept?${kind}_challenge=${encodeURIComponent(challenge)}`, body);
  assert.equal(status, 200, JSON.stringify(answer));
  return answer.redirect_to;
}

async function codeFlow(client, scope) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  })) {
    url.searchParams.set(name, value);
  }
  const browser = new Browser();
  const atLogin = expectStep(browser, await step(browser, url.href, redirectUri), 'login');
  const afterLogin = await accept('login', atLogin.challenge, { subject: `user-dcr-${randomUUID()}`, remember: false });
  const atConsent = expectStep(browser, await step(browser, afterLogin, redirectUri), 'consent');
  const afterConsent = await accept('consent', atConsent.challenge, { grant_scope: scope.split(' '), remember: false });
  const callback = expectStep(browser, await step(browser, afterConsent, redirectUri), 'callback').url;
  const parameters = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(client.client_secret), parameters, redirectUri, verifier, insecure);
  return oauth.processAuthorizationCodeResponse(as, client, response);
}

describe('oauth4webapi: dynamic client registration', () => {
  it('discovery names the registration endpoint', () => {
    assert.equal(as.registration_endpoint, `${glint.publicUrl}/oauth2/register`);
  });

  it('a registered client stays pending until the operator approves it, then completes a flow', async () => {
    const client = await register({ client_name: 'Self-registered', redirect_uris: [redirectUri], scope: 'openid read', grant_types: ['authorization_code'] });
    assert.ok(client.client_id);
    assert.ok(client.client_secret);
    assert.ok(client.registration_access_token);
    assert.equal(client.registration_client_uri, `${glint.publicUrl}/oauth2/register/${client.client_id}`);
    assert.equal(await tokenError(client), 'invalid_client', 'a pending client gets no tokens');

    const { body: pending } = await admin('GET', '/admin/apps?status=pending');
    const app = pending.find((entry) => entry.client_id === client.client_id);
    assert.ok(app, 'the registration is in the review queue');
    assert.equal(app.name, 'Self-registered');
    const { status, body: approved } = await admin('POST', `/admin/apps/${app.id}/approve`, {});
    assert.equal(status, 200, JSON.stringify(approved));
    assert.equal(approved.status, 'approved');
    assert.equal(await tokenError(client), 'invalid_grant', 'the approved client authenticates');

    const tokens = await codeFlow(client, 'read');
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.scope, 'read');
    const { body: introspection } = await fetch(`${glint.adminUrl}/admin/oauth2/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token }),
    }).then(async (response) => ({ body: await response.json() }));
    assert.equal(introspection.active, true);
    assert.equal(introspection.client_id, client.client_id);
  });

  it('the registration access token reads, updates and deletes the registration; nothing else does', async () => {
    const client = await register({ client_name: 'Managed', redirect_uris: [redirectUri], scope: 'read' });
    const other = await register({ client_name: 'Other', redirect_uris: [redirectUri], scope: 'read' });
    for (const method of ['GET', 'PUT', 'DELETE']) {
      for (const token of [undefined, other.registration_access_token]) {
        const { status } = await configuration(client, method, token, method === 'PUT' ? { redirect_uris: [redirectUri] } : undefined);
        assert.equal(status, 401, `${method} with ${token ? "another client's token" : 'no token'}`);
      }
    }

    const read = await configuration(client, 'GET', client.registration_access_token);
    assert.equal(read.status, 200);
    assert.equal(read.body.client_id, client.client_id);
    assert.equal(read.body.client_secret, undefined);

    const updated = await configuration(client, 'PUT', client.registration_access_token,
      { client_name: 'Managed, renamed', redirect_uris: [redirectUri], scope: 'read' });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.client_name, 'Managed, renamed');
    const rotated = updated.body.registration_access_token;
    assert.ok(rotated && rotated !== client.registration_access_token, 'an update issues a new registration access token');
    assert.equal((await configuration(client, 'GET', client.registration_access_token)).status, 401, 'the old token stops working');

    assert.equal((await configuration(client, 'DELETE', rotated)).status, 204);
    assert.equal((await configuration(client, 'GET', rotated)).status, 401);
  });

  it('bad metadata is refused with RFC 7591 errors', async () => {
    const response = await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: ['http://app.example.com/callback'] }, insecure);
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error, 'invalid_redirect_uri');
    assert.match(body.error_description, /must use https/);
  });
});
