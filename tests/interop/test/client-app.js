// A third-party app for the browser tests: it registers itself on the admin API with a redirect URI on
// a small loopback HTTP listener of its own, sends the browser to /oauth2/auth with PKCE S256 and
// state, and redeems the code the browser brings back at /oauth2/token, as a real web app would.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { basicAuthorization, deleteClientQuietly, hydra, publicUrl, uniqueName } from './helpers.js';

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** The loopback listener every app of a test file shares; each app has its own paths on it. */
export class CallbackListener {
  #server;

  /** Base URL, e.g. http://127.0.0.1:43210 */
  url = '';

  async start() {
    this.#server = createServer((request, response) => {
      // A plain page, so that the browser has somewhere to land and a screenshot would show it.
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end('<!DOCTYPE html><title>Back at the app</title><p>Back at the app.</p>');
    });
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', resolve);
    });
    this.url = `http://127.0.0.1:${this.#server.address().port}`;
    return this;
  }

  async stop() {
    if (this.#server) {
      this.#server.closeAllConnections();
      await new Promise((resolve) => this.#server.close(resolve));
    }
  }
}

const created = [];

/** Deletes every client the apps of this file registered (call from after()). */
export async function deleteRegisteredClients() {
  for (const id of created.splice(0)) {
    await deleteClientQuietly(id);
  }
}

export class ClientApp {
  /**
   * Registers a confidential authorization code client (client_secret_basic) whose redirect URI and
   * post-logout redirect URI live on `listener`. `overrides` go into the registration as they are.
   */
  static async register(listener, label, overrides = {}) {
    const id = randomUUID();
    const redirectUri = `${listener.url}/callback/${label}/${id}`;
    const postLogoutRedirectUri = `${listener.url}/signed-out/${label}/${id}`;
    const { data, status } = await hydra.createOAuth2Client({
      oAuth2Client: {
        client_name: uniqueName(label),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline read write receive',
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutRedirectUri],
        token_endpoint_auth_method: 'client_secret_basic',
        ...overrides,
      },
    });
    assert.equal(status, 201, `client registration: ${JSON.stringify(data)}`);
    created.push(data.client_id);
    return new ClientApp(data, redirectUri, postLogoutRedirectUri);
  }

  constructor(client, redirectUri, postLogoutRedirectUri) {
    this.client = client;
    this.redirectUri = redirectUri;
    this.postLogoutRedirectUri = postLogoutRedirectUri;
  }

  get name() {
    return this.client.client_name;
  }

  /** A fresh authorization request: { url, state, verifier }. */
  authorization(scope) {
    const verifier = base64url(randomBytes(32));
    const state = base64url(randomBytes(16));
    const url = new URL(`${publicUrl}/oauth2/auth`);
    url.search = new URLSearchParams({
      client_id: this.client.client_id,
      response_type: 'code',
      redirect_uri: this.redirectUri,
      scope,
      state,
      code_challenge: base64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    return { url: url.href, state, verifier };
  }

  /** Whether the browser is at this app's redirect URI. */
  isCallback(url) {
    return String(url).startsWith(`${this.redirectUri}?`);
  }

  /**
   * The parameters the browser brought back to the redirect URI, checked for the request's state and
   * Glint's issuer (RFC 9207). Waits for the browser to get there.
   */
  async callback(page, request) {
    await page.waitForURL((url) => this.isCallback(url));
    const params = new URL(page.url()).searchParams;
    assert.equal(params.get('state'), request.state, 'the state comes back unchanged');
    assert.equal(params.get('iss'), publicUrl, 'the iss parameter names Glint, verbatim');
    return params;
  }

  /** Redeems an authorization code with the request's PKCE verifier; returns the token response. */
  async redeem(code, request) {
    const { status, body } = await this.#token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      code_verifier: request.verifier,
    });
    assert.equal(status, 200, `the token endpoint redeems the code: ${JSON.stringify(body)}`);
    return body;
  }

  /** A refresh token grant: { status, body }, whatever the outcome. */
  refresh(refreshToken) {
    return this.#token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async #token(form) {
    const response = await fetch(`${publicUrl}/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(this.client.client_id, this.client.client_secret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = { unparsable_body: text };
    }
    return { status: response.status, body };
  }
}
