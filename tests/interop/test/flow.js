// The authorization code flow with the tests acting as Hydra's login and consent app: a Browser walks
// Glint's redirects, and the login/consent decisions go through Ory's SDK (@ory/hydra-client OAuth2Api)
// on the admin port, the way a login/consent app (Blink's, for one) makes them.
import { Browser } from './browser.js';
import { hydra, uniqueName } from './helpers.js';

export { Browser };

/** A redirect URI that is never requested: the flow stops at it and hands back the callback URL. */
export function callbackUri(label) {
  return `http://127.0.0.1:9/callback/${label}`;
}

/**
 * Registers an authorization code client like Blink's dashboard does (confidential,
 * client_secret_basic, authorization_code + refresh_token, code + id_token response types), through the
 * Hydra SDK. Returns the created client; it has a client_secret unless it is a public client (`none`).
 */
export async function createAuthCodeClient(label, overrides = {}) {
  const { data, status } = await hydra.createOAuth2Client({
    oAuth2Client: {
      client_name: uniqueName(label),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code', 'id_token'],
      scope: 'read write offline offline_access openid',
      redirect_uris: [callbackUri(label)],
      token_endpoint_auth_method: 'client_secret_basic',
      ...overrides,
    },
  });
  if (status !== 201 || !data.client_id) {
    throw new Error(`createOAuth2Client answered ${status}: ${JSON.stringify(data)}`);
  }
  if (data.token_endpoint_auth_method !== 'none' && !data.client_secret) {
    throw new Error(`createOAuth2Client returned no client_secret: ${JSON.stringify(data)}`);
  }
  return data;
}

const isLogin = (url) => url.searchParams.has('login_challenge');
const isConsent = (url) => url.searchParams.has('consent_challenge');
const isLogout = (url) => url.searchParams.has('logout_challenge');

/** Stops at the login or consent app, or at the client (any URL that starts with redirectUri). */
function stopAt(redirectUri) {
  return (url) => isLogin(url) || isConsent(url) || isLogout(url) || (redirectUri !== undefined && url.href.startsWith(redirectUri));
}

/**
 * One step of the flow: follows redirects from `url` and says where the browser got to:
 * { kind: 'login' | 'consent' | 'logout' | 'callback', url, challenge }.
 */
export async function step(browser, url, redirectUri) {
  const at = await browser.followUntil(url, stopAt(redirectUri));
  if (isLogin(at)) {
    return { kind: 'login', url: at, challenge: at.searchParams.get('login_challenge') };
  }
  if (isConsent(at)) {
    return { kind: 'consent', url: at, challenge: at.searchParams.get('consent_challenge') };
  }
  if (isLogout(at)) {
    return { kind: 'logout', url: at, challenge: at.searchParams.get('logout_challenge') };
  }
  return { kind: 'callback', url: at };
}

/** Fails with the browser's trail unless the step reached the expected place. */
export function expectStep(browser, reached, kind) {
  if (reached.kind !== kind) {
    throw new Error(`expected to reach the ${kind} step, reached ${reached.kind} at ${reached.url.href}\n${browser.trail()}`);
  }
  return reached;
}

export async function acceptLogin(challenge, body) {
  const { data } = await hydra.acceptOAuth2LoginRequest({ loginChallenge: challenge, acceptOAuth2LoginRequest: body });
  return data.redirect_to;
}

export async function acceptConsent(challenge, body) {
  const { data } = await hydra.acceptOAuth2ConsentRequest({ consentChallenge: challenge, acceptOAuth2ConsentRequest: body });
  return data.redirect_to;
}

/**
 * The whole happy path for one user: authorization request, login accepted for `subject` (unless the
 * login is skipped because the browser remembers it), consent accepted with `grantScope` (default: the
 * requested scope), and back at the client. Returns the callback URL (a URL) that carries code, state, iss.
 */
export async function authorize(browser, authorizationUrl, {
  subject,
  redirectUri,
  login = {},
  consent = {},
  grantScope,
} = {}) {
  let reached = await step(browser, authorizationUrl, redirectUri);
  if (reached.kind === 'login') {
    const { data: request } = await hydra.getOAuth2LoginRequest({ loginChallenge: reached.challenge });
    const body = request.skip ? { subject: request.subject } : { subject, remember: false, ...login };
    reached = await step(browser, await acceptLogin(reached.challenge, body), redirectUri);
  }
  if (reached.kind === 'consent') {
    const { data: request } = await hydra.getOAuth2ConsentRequest({ consentChallenge: reached.challenge });
    reached = await step(browser, await acceptConsent(reached.challenge, {
      grant_scope: grantScope ?? request.requested_scope,
      grant_access_token_audience: request.requested_access_token_audience,
      ...consent,
    }), redirectUri);
  }
  return expectStep(browser, reached, 'callback').url;
}
