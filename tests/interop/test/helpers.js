// Shared setup for the interop tests: where the Glint server under test is, a Hydra admin client
// (@ory/hydra-client), and small helpers that speak plain HTTP where the point is to see the wire.
import { randomUUID } from 'node:crypto';
import { Configuration, OAuth2Api } from '@ory/hydra-client';

function requiredUrl(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run these tests through scripts/test, or set ${name} to a running Glint server's URL`);
  }
  return value.replace(/\/+$/, '');
}

/** Public port base URL, without a trailing slash, e.g. http://127.0.0.1:4444 */
export const publicUrl = requiredUrl('GLINT_PUBLIC_URL');
/** Admin port base URL, without a trailing slash, e.g. http://127.0.0.1:4445 */
export const adminUrl = requiredUrl('GLINT_ADMIN_URL');
/** Glint's issuer: the configured URL verbatim (the server runs with the default, the public URL), as Hydra publishes it. */
export const issuer = publicUrl;

/** The Hydra SDK's admin API, pointed at Glint's admin port. */
export const hydra = new OAuth2Api(new Configuration({ basePath: adminUrl }));

/** A client name unique to this run, so tests never see each other's clients. */
export function uniqueName(label) {
  return `interop-${label}-${randomUUID()}`;
}

/**
 * Creates a client_credentials client through the Hydra SDK and returns the created client
 * (including the generated client_secret, which only the create response carries).
 */
export async function createClient(label, overrides = {}) {
  const { data, status } = await hydra.createOAuth2Client({
    oAuth2Client: {
      client_name: uniqueName(label),
      grant_types: ['client_credentials'],
      response_types: ['token'],
      scope: 'read write',
      ...overrides,
    },
  });
  if (status !== 201) {
    throw new Error(`createOAuth2Client answered ${status}, expected 201`);
  }
  if (!data.client_id || !data.client_secret) {
    throw new Error(`createOAuth2Client returned no client_id/client_secret: ${JSON.stringify(data)}`);
  }
  return data;
}

/** Deletes a client, ignoring a 404 (used for cleanup). */
export async function deleteClientQuietly(clientId) {
  try {
    await hydra.deleteOAuth2Client({ id: clientId });
  } catch (error) {
    if (error?.response?.status !== 404) {
      throw error;
    }
  }
}

/** application/x-www-form-urlencoded encoding of one value, as RFC 6749 section 2.3.1 asks for Basic credentials. */
function formEncode(value) {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The Authorization header value for client_secret_basic. */
export function basicAuthorization(clientId, clientSecret) {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

/**
 * A raw client_credentials request to the token endpoint.
 * auth: 'basic' (credentials in the Authorization header) or 'post' (credentials in the form body).
 * Returns { status, body, headers } without throwing on an error status.
 */
export async function requestToken(clientId, clientSecret, { auth = 'basic', scope = 'read' } = {}) {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope) {
    form.set('scope', scope);
  }
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (auth === 'basic') {
    headers.authorization = basicAuthorization(clientId, clientSecret);
  } else if (auth === 'post') {
    form.set('client_id', clientId);
    form.set('client_secret', clientSecret);
  } else {
    throw new Error(`unknown auth ${auth}`);
  }
  const response = await fetch(`${publicUrl}/oauth2/token`, { method: 'POST', headers, body: form });
  return { status: response.status, headers: response.headers, body: await readJson(response) };
}

/** Like requestToken, but expects success and returns the access token. */
export async function fetchAccessToken(clientId, clientSecret, options) {
  const { status, body } = await requestToken(clientId, clientSecret, options);
  if (status !== 200 || typeof body?.access_token !== 'string') {
    throw new Error(`token endpoint answered ${status}: ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/** Introspects a token on the admin API with plain fetch (form field `token`, no client authentication). */
export async function introspect(token) {
  const response = await fetch(`${adminUrl}/admin/oauth2/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ token }),
  });
  const body = await readJson(response);
  if (response.status !== 200) {
    throw new Error(`introspection answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

async function readJson(response) {
  const text = await response.text();
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable_body: text };
  }
}

/** Scope string to a sorted array, for order-insensitive comparison. */
export function scopes(scope) {
  return (scope ?? '').split(' ').filter(Boolean).sort();
}
