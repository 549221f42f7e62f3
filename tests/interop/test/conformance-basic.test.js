// The OpenID Foundation's Basic OP test plan (oidcc-basic-certification-test-plan: code flow, client_secret_basic,
// default response mode), one test per module, named after it and asserting what the module checks. The relying
// party is oauth4webapi (test/conformance.js); the tests are the login/consent app. Where the plan's module is
// skipped for a server like Glint (an optional feature Glint does not announce), the test asserts the condition
// under which the module skips, so announcing the feature later without supporting it fails here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issuer, publicUrl } from './helpers.js';
import {
  Browser, authorizationRequest, codeFlow, discover, expectAuthorizationError, expectStep, hydra, oauth, redeem,
  registerClient, serverKeys, signIn, step, subjectFor, userInfo, wait,
} from './conformance.js';
import { jwtVerify } from 'jose';

/** The two code redemptions of oidcc-codereuse-30seconds start when the file loads, so its wait overlaps the others. */
const codeReuseAfter30Seconds = (async () => {
  const c = await registerClient('codereuse-30s');
  const { tokens, request, callback } = await codeFlow(c);
  await wait(30_000);
  return { c, tokens, request, callback };
})();
codeReuseAfter30Seconds.catch(() => {}); // reported by its test

/** Redeems a code a second time with plain oauth4webapi calls and returns the processed error. */
async function redeemAgain(c, callback, request) {
  const as = await discover();
  const client = { client_id: c.client_id };
  const parameters = oauth.validateAuthResponse(as, client, callback, request.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(c.client_secret), parameters,
    c.redirect_uris[0], oauth.nopkce, { [oauth.allowInsecureRequests]: true });
  return assert.rejects(oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: request.nonce }), (error) => {
    assert.ok(error instanceof oauth.ResponseBodyError, String(error));
    assert.equal(error.error, 'invalid_grant');
    assert.equal(error.status, 400);
    return true;
  });
}

/** The access token is no longer honoured at userinfo (RFC 6749 4.1.2: the tokens of a reused code SHOULD be revoked). */
async function assertRevoked(accessToken) {
  const response = await fetch((await discover()).userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
}

/** A browser with a remembered login and consent for `c`, and the first flow's result. */
async function signedInBrowser(c, label, extra = {}) {
  return codeFlow(c, { subject: subjectFor(label), remember: true, extra });
}

describe('OpenID conformance: Basic OP plan (code, client_secret_basic)', () => {
  it('oidcc-server', async () => {
    const c = await registerClient('server');
    const { tokens, claims, header, callback, request, subject } = await codeFlow(c);
    assert.equal(callback.searchParams.get('state'), request.state);
    assert.equal(callback.searchParams.get('iss'), issuer);
    assert.equal(tokens.token_type, 'bearer');
    assert.ok(tokens.expires_in > 0);
    assert.equal(claims.iss, issuer);
    assert.equal(claims.sub, subject);
    assert.deepEqual([claims.aud].flat(), [c.client_id]);
    assert.equal(claims.nonce, request.nonce);
    assert.ok(claims.exp > claims.iat && Math.abs(claims.iat - Date.now() / 1000) < 300, JSON.stringify(claims));
    assert.equal(header.alg, 'RS256');
    assert.equal(claims.c_hash, undefined, 'no c_hash for the code flow');
  });

  it('oidcc-response-type-missing', async () => {
    // The plan accepts an error at the client (invalid_request or unsupported_response_type, with the state) or an
    // error page. Glint shows the page: without response_type it cannot know how to answer the client.
    const c = await registerClient('response-type-missing');
    const request = await authorizationRequest(c, { response_type: undefined });
    const response = await new Browser().request(request.url);
    if (response.location) {
      const error = await expectAuthorizationError(c, new URL(response.location), request.state);
      assert.ok(['invalid_request', 'unsupported_response_type'].includes(error.error), error.error);
    } else {
      assert.equal(response.status, 400);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      assert.match(response.text, /<code>invalid_request<\/code>/);
      assert.match(response.text, /response_type/);
    }
  });

  it('oidcc-idtoken-signature', async () => {
    const c = await registerClient('idtoken-signature');
    const { tokens, header } = await codeFlow(c);
    const as = await discover();
    assert.ok(as.id_token_signing_alg_values_supported.includes(header.alg), header.alg);
    assert.equal(typeof header.kid, 'string', 'the ID token names its key');
    const jwks = await (await fetch(as.jwks_uri)).json();
    assert.ok(jwks.keys.some((key) => key.kid === header.kid && key.use !== 'enc'), `kid ${header.kid} in ${JSON.stringify(jwks)}`);
    await jwtVerify(tokens.id_token, await serverKeys());
  });

  it('oidcc-idtoken-unsigned (skipped as in the plan: alg none is not announced, and a client cannot ask for it)', async () => {
    const as = await discover();
    assert.ok(!as.id_token_signing_alg_values_supported.includes('none'), JSON.stringify(as.id_token_signing_alg_values_supported));
  });

  for (const [module, as] of [['oidcc-userinfo-get', 'get'], ['oidcc-userinfo-post-header', 'post-header'], ['oidcc-userinfo-post-body', 'post-body']]) {
    it(module, async () => {
      const c = await registerClient(module);
      const { tokens, claims } = await codeFlow(c);
      const info = await userInfo(c, tokens.access_token, claims.sub, as);
      assert.equal(info.sub, claims.sub);
    });
  }

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const c = await registerClient('no-nonce');
    const request = await authorizationRequest(c, { nonce: undefined });
    const callback = await signIn(new Browser(), c, request.url, { subject: subjectFor('no-nonce') });
    const { claims } = await redeem(c, callback, { state: request.state });
    assert.equal(claims.nonce, undefined);
  });

  const profileClaims = { name: 'Satoshi Example', family_name: 'Example', given_name: 'Satoshi', preferred_username: 'satoshi' };
  const emailClaims = { email: 'satoshi@example.com', email_verified: true };
  for (const [module, scope, profile] of [
    ['oidcc-scope-profile', 'openid profile', profileClaims],
    ['oidcc-scope-email', 'openid email', emailClaims],
  ]) {
    it(module, async () => {
      const as = await discover();
      for (const name of scope.split(' ')) {
        assert.ok(as.scopes_supported.includes(name), `${name} in scopes_supported`);
      }
      const c = await registerClient(module);
      const { tokens, claims } = await codeFlow(c, { extra: { scope }, idTokenClaims: profile });
      assert.equal(tokens.scope.split(' ').sort().join(' '), scope.split(' ').sort().join(' '));
      const info = await userInfo(c, tokens.access_token, claims.sub);
      for (const [name, value] of Object.entries(profile)) {
        assert.deepEqual(info[name], value, `${name} in userinfo ${JSON.stringify(info)}`);
      }
    });
  }

  for (const [module, scopes] of [
    ['oidcc-scope-address', ['address']],
    ['oidcc-scope-phone', ['phone']],
    ['oidcc-scope-all', ['address', 'email', 'phone', 'profile']],
  ]) {
    it(`${module} (skipped as in the plan: not every scope is in scopes_supported)`, async () => {
      const as = await discover();
      assert.ok(scopes.some((scope) => !as.scopes_supported.includes(scope)), JSON.stringify(as.scopes_supported));
    });
  }

  it('oidcc-ensure-other-scope-order-succeeds', async () => {
    const c = await registerClient('scope-order');
    const { tokens, claims } = await codeFlow(c, { extra: { scope: 'email openid' } });
    assert.deepEqual(tokens.scope.split(' ').sort(), ['email', 'openid']);
    assert.equal(typeof claims.sub, 'string');
  });

  for (const display of ['page', 'popup']) {
    it(`oidcc-display-${display}`, async () => {
      const c = await registerClient(`display-${display}`);
      const { claims } = await codeFlow(c, { extra: { display } });
      assert.equal(typeof claims.sub, 'string');
    });
  }

  it('oidcc-prompt-login', async () => {
    const c = await registerClient('prompt-login');
    const first = await signedInBrowser(c, 'prompt-login');
    await wait(1100); // auth_time has whole seconds
    const request = await authorizationRequest(c, { prompt: 'login' });
    const atLogin = expectStep(first.browser, await step(first.browser, request.url, c.redirect_uris[0]), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.equal(login.skip, false, 'prompt=login must ask the user to sign in again');
    const callback = await signIn(first.browser, c, request.url, { subject: first.subject, remember: true });
    const second = await redeem(c, callback, request);
    assert.equal(second.claims.sub, first.claims.sub);
    assert.equal(typeof second.claims.auth_time, 'number');
    assert.ok(second.claims.auth_time > first.claims.auth_time, `${second.claims.auth_time} after ${first.claims.auth_time}`);
  });

  it('oidcc-prompt-none-not-logged-in', async () => {
    const c = await registerClient('prompt-none-out');
    const request = await authorizationRequest(c, { prompt: 'none' });
    const browser = new Browser();
    const callback = expectStep(browser, await step(browser, request.url, c.redirect_uris[0]), 'callback').url;
    const error = await expectAuthorizationError(c, callback, request.state);
    assert.ok(['login_required', 'interaction_required', 'session_selection_required', 'consent_required'].includes(error.error), error.error);
  });

  it('oidcc-prompt-none-logged-in', async () => {
    const c = await registerClient('prompt-none-in');
    const first = await signedInBrowser(c, 'prompt-none-in');
    const request = await authorizationRequest(c, { prompt: 'none' });
    const callback = await signIn(first.browser, c, request.url, { subject: 'never-asked' });
    const second = await redeem(c, callback, request);
    assert.equal(second.claims.sub, first.claims.sub);
    if (first.claims.auth_time !== undefined) {
      assert.equal(second.claims.auth_time, first.claims.auth_time);
    }
  });

  it('oidcc-max-age-1', async () => {
    const c = await registerClient('max-age-1');
    const first = await signedInBrowser(c, 'max-age-1');
    await wait(2100); // the plan waits 2 seconds too
    const request = await authorizationRequest(c, { max_age: '1' });
    const atLogin = expectStep(first.browser, await step(first.browser, request.url, c.redirect_uris[0]), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.equal(login.skip, false, 'an authentication older than max_age must be repeated');
    const callback = await signIn(first.browser, c, request.url, { subject: first.subject, remember: true });
    const second = await redeem(c, callback, request);
    assert.equal(typeof second.claims.auth_time, 'number', 'max_age requires auth_time');
    assert.ok(second.claims.auth_time > first.claims.auth_time, `${second.claims.auth_time} after ${first.claims.auth_time}`);
    assert.ok(Math.abs(second.claims.auth_time - Date.now() / 1000) < 300);
  });

  it('oidcc-max-age-10000', async () => {
    const c = await registerClient('max-age-10000');
    const first = await signedInBrowser(c, 'max-age-10000');
    const request = await authorizationRequest(c, { max_age: '10000' });
    const atLogin = expectStep(first.browser, await step(first.browser, request.url, c.redirect_uris[0]), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.equal(login.skip, true, 'an authentication younger than max_age is reused');
    const callback = await signIn(first.browser, c, request.url, { subject: first.subject, remember: true });
    const second = await redeem(c, callback, request);
    assert.equal(typeof second.claims.auth_time, 'number', 'max_age requires auth_time');
    assert.equal(second.claims.auth_time, first.claims.auth_time);
  });

  it('oidcc-ensure-request-with-unknown-parameter-succeeds', async () => {
    const c = await registerClient('unknown-parameter');
    const { claims } = await codeFlow(c, { extra: { extra_parameter_not_understood: 'ignored' } });
    assert.equal(typeof claims.sub, 'string');
  });

  it('oidcc-id-token-hint', async () => {
    const c = await registerClient('id-token-hint');
    const first = await signedInBrowser(c, 'id-token-hint');
    const request = await authorizationRequest(c, { prompt: 'none', id_token_hint: first.tokens.id_token });
    const callback = await signIn(first.browser, c, request.url, { subject: 'never-asked' });
    const second = await redeem(c, callback, request);
    assert.equal(second.claims.sub, first.claims.sub);
  });

  it('oidcc-login-hint', async () => {
    const c = await registerClient('login-hint');
    const request = await authorizationRequest(c, { login_hint: 'satoshi@example.com' });
    const browser = new Browser();
    const atLogin = expectStep(browser, await step(browser, request.url, c.redirect_uris[0]), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.equal(login.oidc_context?.login_hint, 'satoshi@example.com', 'the login app is told the hint');
    const callback = await signIn(browser, c, request.url, { subject: subjectFor('login-hint') });
    assert.equal(typeof (await redeem(c, callback, request)).claims.sub, 'string');
  });

  it('oidcc-ui-locales', async () => {
    const c = await registerClient('ui-locales');
    const request = await authorizationRequest(c, { ui_locales: 'se' });
    const browser = new Browser();
    const atLogin = expectStep(browser, await step(browser, request.url, c.redirect_uris[0]), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.deepEqual(login.oidc_context?.ui_locales, ['se'], 'the login app is told the locales');
    const callback = await signIn(browser, c, request.url, { subject: subjectFor('ui-locales') });
    assert.equal(typeof (await redeem(c, callback, request)).claims.sub, 'string');
  });

  it('oidcc-claims-locales', async () => {
    const c = await registerClient('claims-locales');
    const { tokens, claims } = await codeFlow(c, { extra: { claims_locales: 'se', scope: 'openid profile' }, idTokenClaims: { name: 'Satoshi' } });
    assert.equal((await userInfo(c, tokens.access_token, claims.sub)).name, 'Satoshi');
  });

  it('oidcc-ensure-request-with-acr-values-succeeds', async () => {
    const c = await registerClient('acr-values');
    const request = await authorizationRequest(c, { acr_values: '1 2' });
    const browser = new Browser();
    const atLogin = expectStep(browser, await step(browser, request.url, c.redirect_uris[0]), 'login');
    const { data: login } = await hydra.getOAuth2LoginRequest({ loginChallenge: atLogin.challenge });
    assert.deepEqual(login.oidc_context?.acr_values, ['1', '2'], 'the login app is told the acr values');
    const callback = await signIn(browser, c, request.url, { subject: subjectFor('acr'), login: { acr: '2' } });
    const { claims } = await redeem(c, callback, request);
    assert.equal(claims.acr, '2');
  });

  it('oidcc-codereuse', async () => {
    const c = await registerClient('codereuse');
    const { tokens, request, callback } = await codeFlow(c);
    await redeemAgain(c, callback, request);
    await assertRevoked(tokens.access_token);
  });

  it('oidcc-ensure-registered-redirect-uri', async () => {
    const c = await registerClient('registered-redirect');
    const request = await authorizationRequest(c, { redirect_uri: 'http://127.0.0.1:9/not-registered' });
    const response = await new Browser().request(request.url);
    assert.equal(response.status, 400, 'an error page, never a redirect to an unregistered URI');
    assert.equal(response.location, undefined);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(response.text, /redirect_uri/);
  });

  it('oidcc-ensure-redirect-uri-in-authorization-request', async () => {
    const c = await registerClient('redirect-missing');
    const request = await authorizationRequest(c, { redirect_uri: undefined });
    const response = await new Browser().request(request.url);
    if (response.location) {
      const error = await expectAuthorizationError(c, new URL(response.location), request.state);
      assert.ok(['invalid_request', 'invalid_request_object'].includes(error.error), error.error);
    } else {
      assert.equal(response.status, 400, 'an error page saying redirect_uri is missing');
      assert.match(response.text, /redirect_uri/);
    }
  });

  it('oidcc-ensure-post-request-succeeds', async () => {
    const c = await registerClient('post-request');
    const request = await authorizationRequest(c);
    const browser = new Browser();
    const posted = await browser.request((await discover()).authorization_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(Object.entries(request.parameters).filter(([, value]) => value !== undefined)).toString(),
    });
    assert.equal(posted.status, 302, posted.text.slice(0, 300));
    const challenge = new URL(posted.location).searchParams.get('login_challenge');
    assert.ok(challenge, posted.location);
    const { data: accepted } = await hydra.acceptOAuth2LoginRequest({ loginChallenge: challenge, acceptOAuth2LoginRequest: { subject: subjectFor('post') } });
    const callback = await signIn(browser, c, accepted.redirect_to, {});
    assert.equal(typeof (await redeem(c, callback, request)).claims.sub, 'string');
  });

  it('oidcc-server-client-secret-post', async () => {
    const c = await registerClient('secret-post', { token_endpoint_auth_method: 'client_secret_post' });
    const { claims } = await codeFlow(c);
    assert.equal(claims.aud, c.client_id);
  });

  it('oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported', async () => {
    const as = await discover();
    assert.equal(as.request_uri_parameter_supported, false);
    const c = await registerClient('request-uri');
    const request = await authorizationRequest(c, { request_uri: 'https://client.example/request.jwt' });
    await assertRejectedAsUnsupported(c, request, ['request_uri_not_supported', 'invalid_request_uri']);
  });

  it('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported', async () => {
    const as = await discover();
    assert.equal(as.request_parameter_supported, false);
    const c = await registerClient('request-object');
    const request = await authorizationRequest(c, { request: unsignedRequestObject(c) });
    await assertRejectedAsUnsupported(c, request, ['request_not_supported']);
  });

  it('oidcc-ensure-request-object-with-redirect-uri (skipped as in the plan: request objects are rejected as unsupported)', async () => {
    const c = await registerClient('request-object-redirect');
    const request = await authorizationRequest(c, { request: unsignedRequestObject(c), redirect_uri: 'http://127.0.0.1:9/not-registered' });
    const response = await new Browser().request(request.url);
    assert.equal(response.location === undefined || !response.location.startsWith('http://127.0.0.1:9/not-registered'), true,
      'never a redirect to the unregistered URI');
  });

  it('oidcc-claims-essential', async () => {
    const c = await registerClient('claims-essential');
    const { tokens, claims } = await codeFlow(c, {
      extra: { claims: JSON.stringify({ userinfo: { name: { essential: true } } }) },
      idTokenClaims: { name: 'Satoshi' },
    });
    assert.equal(typeof (await userInfo(c, tokens.access_token, claims.sub)).sub, 'string');
  });

  it('oidcc-refresh-token', async () => {
    const c = await registerClient('refresh-token');
    const other = await registerClient('refresh-token-other');
    const first = await codeFlow(c, { extra: { scope: 'openid offline_access', prompt: 'consent' } });
    assert.match(first.tokens.refresh_token, /^[\x20-\x7e]+$/, 'RFC 6749 A.17: VSCHAR only');
    const as = await discover();
    assert.ok(as.grant_types_supported.includes('refresh_token'));

    const response = await oauth.refreshTokenGrantRequest(as, { client_id: c.client_id }, oauth.ClientSecretBasic(c.client_secret),
      first.tokens.refresh_token, { [oauth.allowInsecureRequests]: true });
    const refreshed = await oauth.processRefreshTokenResponse(as, { client_id: c.client_id }, response);
    assert.notEqual(refreshed.access_token, first.tokens.access_token);
    if (refreshed.id_token) {
      const claims = oauth.getValidatedIdTokenClaims(refreshed);
      assert.equal(claims.iss, first.claims.iss);
      assert.equal(claims.sub, first.claims.sub);
      assert.deepEqual([claims.aud].flat(), [c.client_id]);
      if (first.claims.auth_time !== undefined) {
        assert.equal(claims.auth_time, first.claims.auth_time);
      }
    }
    assert.equal((await userInfo(c, refreshed.access_token, first.claims.sub)).sub, first.claims.sub);

    // A refresh token is bound to its client.
    const stolen = await oauth.refreshTokenGrantRequest(as, { client_id: other.client_id }, oauth.ClientSecretBasic(other.client_secret),
      refreshed.refresh_token, { [oauth.allowInsecureRequests]: true });
    await assert.rejects(oauth.processRefreshTokenResponse(as, { client_id: other.client_id }, stolen), (error) => {
      assert.ok(error instanceof oauth.ResponseBodyError, String(error));
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
  });

  it('oidcc-ensure-request-with-valid-pkce-succeeds', async () => {
    const c = await registerClient('pkce');
    const verifier = oauth.generateRandomCodeVerifier();
    const request = await authorizationRequest(c, { code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const callback = await signIn(new Browser(), c, request.url, { subject: subjectFor('pkce') });
    const { claims } = await redeem(c, callback, { ...request, verifier });
    assert.equal(typeof claims.sub, 'string');
  });

  it('oidcc-codereuse-30seconds', async () => {
    const { c, tokens, request, callback } = await codeReuseAfter30Seconds;
    await redeemAgain(c, callback, request);
    await assertRevoked(tokens.access_token);
  });
});

/** An unsigned request object (alg none) carrying the whole authorization request, as the plan builds it. */
function unsignedRequestObject(c) {
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none' })}.${encode({
    iss: c.client_id,
    aud: issuer,
    client_id: c.client_id,
    response_type: 'code',
    redirect_uri: c.redirect_uris[0],
    scope: 'openid',
    state: 'state-in-request-object',
    nonce: 'nonce-in-request-object',
  })}.`;
}

/**
 * The plan's "supported correctly or rejected as unsupported": Glint does not announce the parameter, so the request
 * must be refused with the error the plan accepts, at the client with the state or on an error page, and never be
 * served as if the parameter were not there.
 */
async function assertRejectedAsUnsupported(c, request, errors) {
  const response = await new Browser().request(request.url);
  if (response.location && response.location.startsWith(c.redirect_uris[0])) {
    const error = await expectAuthorizationError(c, new URL(response.location), request.state);
    assert.ok(errors.includes(error.error), `${error.error} not in ${errors}`);
  } else {
    assert.equal(response.status, 400, `${response.status} ${response.location ?? ''} ${response.text.slice(0, 300)}`);
    assert.ok(errors.some((error) => response.text.includes(error)), response.text.slice(0, 500));
  }
  void publicUrl;
}
