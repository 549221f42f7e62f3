// The device authorization grant (RFC 8628) with openid-client 6's device flow: the device asks for codes
// and polls with pollDeviceAuthorizationGrant while the user, in Chromium, types the code on Glint's
// /device page, signs in with an emailed code and decides on the consent page.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as client from 'openid-client';
import { createClient, deleteClientQuietly, introspect, publicUrl, scopes } from './helpers.js';
import { browserSuite, closePage, expectPage, newEmail, openPage, signInWithEmail, submit } from './chromium.js';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const suite = browserSuite();
const created = [];
after(async () => {
  for (const id of created) {
    await deleteClientQuietly(id);
  }
});

async function deviceClient() {
  const registered = await createClient('device', {
    grant_types: [DEVICE_CODE, 'refresh_token'],
    response_types: ['code'],
    scope: 'openid offline read write',
    token_endpoint_auth_method: 'client_secret_post',
  });
  created.push(registered.client_id);
  return client.discovery(new URL(publicUrl), registered.client_id, registered.client_secret, client.ClientSecretPost(registered.client_secret), {
    execute: [client.allowInsecureRequests],
  });
}

/** The user's part: the code typed on /device (as it is shown, dashes and all), sign-in, then the consent decision. */
async function userDecides(response, decision) {
  const page = await openPage(suite.browser);
  try {
    await page.goto(response.verification_uri);
    await expectPage(page, '/device');
    await page.getByTestId('user-code').fill(response.user_code.toLowerCase());
    await submit(page, 'submit-user-code');
    await signInWithEmail(page, newEmail('device'));
    await expectPage(page, '/consent');
    await page.getByTestId(decision).click();
    await expectPage(page, '/device');
    return await page.getByTestId(decision === 'allow' ? 'device-approved' : 'device-denied').isVisible();
  } finally {
    await closePage(page);
  }
}

describe('device authorization grant with openid-client', () => {
  it('discovery advertises the device authorization endpoint and grant', async () => {
    const config = await deviceClient();
    const metadata = config.serverMetadata();
    assert.equal(metadata.device_authorization_endpoint, new URL('/oauth2/device/auth', publicUrl).href);
    assert.ok(metadata.grant_types_supported.includes(DEVICE_CODE));
  });

  it('the user approves on /device and the polling device gets tokens for the ticked scopes', async () => {
    const config = await deviceClient();
    const response = await client.initiateDeviceAuthorization(config, { scope: 'openid offline read' });
    assert.match(response.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(response.verification_uri, new URL('/device', publicUrl).href);
    assert.equal(new URL(response.verification_uri_complete).searchParams.get('user_code'), response.user_code);

    const polling = client.pollDeviceAuthorizationGrant(config, response);
    assert.equal(await userDecides(response, 'allow'), true, 'the page tells the user to return to the device');
    const tokens = await polling;

    assert.deepEqual(scopes(tokens.scope), ['offline', 'openid', 'read']);
    assert.ok(tokens.refresh_token);
    assert.ok(tokens.claims()?.sub, 'openid-client validated the ID token');
    const access = await introspect(tokens.access_token);
    assert.equal(access.active, true);
    assert.equal(access.sub, tokens.claims().sub);
  });

  it('the user denies and the polling device gets access_denied', async () => {
    const config = await deviceClient();
    const response = await client.initiateDeviceAuthorization(config, { scope: 'read' });

    const polling = client.pollDeviceAuthorizationGrant(config, response);
    const outcome = assert.rejects(polling, (error) => error.error === 'access_denied');
    assert.equal(await userDecides(response, 'deny'), true, 'the page says access was denied');
    await outcome;
  });
});
