// A consent grants at most what the flow asked for and what the client may hold: an external consent app
// (here Ory's SDK, @ory/hydra-client OAuth2Api) that passes form input through cannot widen a token.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { basicAuthorization, deleteClientQuietly, hydra, introspect, publicUrl, scopes } from './helpers.js';
import { Browser, acceptLogin, createAuthCodeClient, expectStep, step } from './flow.js';

const created = [];

after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

async function newClient(label, scope) {
  const c = await createAuthCodeClient(label, { scope });
  created.push(c.client_id);
  return c;
}

/** Runs to the consent app for `scope`; returns the consent challenge. */
async function toConsent(browser, c, scope) {
  const url = new URL(`${publicUrl}/oauth2/auth`);
  url.search = new URLSearchParams({
    client_id: c.client_id,
    response_type: 'code',
    redirect_uri: c.redirect_uris[0],
    scope,
    state: randomBytes(16).toString('hex'),
  }).toString();
  const redirectUri = c.redirect_uris[0];
  const atLogin = expectStep(browser, await step(browser, url.href, redirectUri), 'login');
  const redirect = await acceptLogin(atLogin.challenge, { subject: `user-limits-${randomUUID()}`, remember: false });
  return expectStep(browser, await step(browser, redirect, redirectUri), 'consent').challenge;
}

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

async function token(c, form) {
  const response = await fetch(`${publicUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuthorization(c.client_id, c.client_secret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: await response.json() };
}

describe('consent cannot widen, through @ory/hydra-client OAuth2Api', () => {
  it('refuses a grant_scope beyond the client and the request with a 400, and the consent can still be given', async () => {
    // The reported case: a client for `openid read`, a flow for `read`, a consent that adds `write`.
    const c = await newClient('limits-widen', 'openid read');
    const browser = new Browser();
    const consentChallenge = await toConsent(browser, c, 'read');

    const refused = await expectHttpError(() => hydra.acceptOAuth2ConsentRequest({
      consentChallenge,
      acceptOAuth2ConsentRequest: { grant_scope: ['read', 'write'], grant_access_token_audience: [] },
    }));
    assert.equal(refused.status, 400);
    assert.deepEqual(Object.keys(refused.data).sort(), ['error', 'error_description']);
    assert.equal(refused.data.error, 'invalid_scope');
    assert.match(refused.data.error_description, /grant_scope.*'write'/);

    const { data } = await hydra.acceptOAuth2ConsentRequest({
      consentChallenge,
      acceptOAuth2ConsentRequest: { grant_scope: ['read'], grant_access_token_audience: [] },
    });
    const callback = expectStep(browser, await step(browser, data.redirect_to, c.redirect_uris[0]), 'callback').url;
    const exchanged = await token(c, { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: c.redirect_uris[0] });
    assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
    assert.deepEqual(scopes(exchanged.body.scope), ['read']);
    assert.deepEqual(scopes((await introspect(exchanged.body.access_token)).scope), ['read']);
  });

  it('refuses a grant_access_token_audience that was not requested', async () => {
    const c = await newClient('limits-audience', 'openid read');
    const consentChallenge = await toConsent(new Browser(), c, 'read');

    const refused = await expectHttpError(() => hydra.acceptOAuth2ConsentRequest({
      consentChallenge,
      acceptOAuth2ConsentRequest: { grant_scope: ['read'], grant_access_token_audience: ['https://api.example.com'] },
    }));
    assert.equal(refused.status, 400);
    assert.equal(refused.data.error, 'invalid_request');
    assert.match(refused.data.error_description, /grant_access_token_audience/);
  });

  it('a refresh token does not outlive a scope removed from its client (invalid_scope, as Hydra answers)', async () => {
    const c = await newClient('limits-refresh', 'offline read write');
    const browser = new Browser();
    const consentChallenge = await toConsent(browser, c, 'offline read write');
    const { data } = await hydra.acceptOAuth2ConsentRequest({
      consentChallenge,
      acceptOAuth2ConsentRequest: { grant_scope: ['offline', 'read', 'write'], grant_access_token_audience: [] },
    });
    const callback = expectStep(browser, await step(browser, data.redirect_to, c.redirect_uris[0]), 'callback').url;
    const exchanged = await token(c, { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: c.redirect_uris[0] });
    assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));

    const patched = await hydra.patchOAuth2Client({ id: c.client_id, jsonPatch: [{ op: 'replace', path: '/scope', value: 'offline read' }] });
    assert.equal(patched.status, 200);

    const refreshed = await token(c, { grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token });
    assert.equal(refreshed.status, 400, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.error, 'invalid_scope');
    assert.match(refreshed.body.error_description, /'write'/);
  });
});
