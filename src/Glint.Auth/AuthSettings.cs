namespace Glint.Auth;

/// <summary>The authorization server's settings, read once at start-up (Hydra's <c>urls.self.issuer</c>, <c>ttl.*</c>, <c>strategies.access_token</c>).</summary>
public sealed class AuthSettings
{
    public required Uri Issuer { get; init; }

    /// <summary>
    /// The issuer exactly as configured, announced as discovery's <c>issuer</c> and in every <c>iss</c>, as Hydra does:
    /// relying parties compare it as a string, so <c>http://host:4444</c> must not become <c>http://host:4444/</c>.
    /// </summary>
    public string IssuerIdentifier => Issuer.OriginalString;

    /// <summary>True when the issuer is plain http, which start-up allows only on loopback or in dev mode.</summary>
    public bool AllowHttp { get; init; }

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromHours(720);

    public TimeSpan IdTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan AuthorizationCodeLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Issue JWT access tokens to clients that do not choose; opaque otherwise (Hydra's default).</summary>
    public bool JwtAccessTokens { get; init; }

    /// <summary>Hydra's <c>urls.login</c>, <c>urls.consent</c>, <c>urls.logout</c>: the built-in app unless an external one is configured.</summary>
    public Uri? LoginUrl { get; init; }

    public Uri? ConsentUrl { get; init; }

    public Uri? LogoutUrl { get; init; }

    /// <summary>
    /// Hydra's <c>urls.device.verification</c>: an external page where the user types the device's user code, reached
    /// with a device challenge. Unset, the built-in <c>/device</c> page serves the device flow.
    /// </summary>
    public Uri? DeviceVerificationUrl { get; init; }

    /// <summary>
    /// <c>webhooks.allow_private_targets</c>: whether a client's <c>jwks_uri</c> may reach loopback, private, link-local
    /// and metadata addresses, as callbacks may under the same setting (off: refused when connecting).
    /// </summary>
    public bool AllowPrivateTargets { get; init; }

    /// <summary>Hydra's <c>urls.device.success</c>: where the browser ends after an approved device flow (with <c>client_id</c>).</summary>
    public Uri? DeviceSuccessUrl { get; init; }

    /// <summary>How long a login, consent or logout challenge stays usable (Hydra's <c>ttl.login_consent_request</c>).</summary>
    public TimeSpan FlowLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a rotated refresh token may still be used, so that concurrent refreshes both succeed.</summary>
    public TimeSpan RefreshTokenReuseLeeway { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Require PKCE from every client (Hydra's <c>oauth2.pkce.enforced</c>); public clients always need it.</summary>
    public bool PkceEnforced { get; init; }

    /// <summary>
    /// Every authorization request must be pushed first (RFC 9126): <c>/oauth2/auth</c> accepts only a
    /// <c>request_uri</c> from <c>/oauth2/par</c>. Clients can be held to it one by one with their
    /// <c>require_pushed_authorization_requests</c>.
    /// </summary>
    public bool PushedAuthorizationRequestsEnforced { get; init; }

    /// <summary>How long a pushed request's <c>request_uri</c> may be used, once (RFC 9126 advises well under ten minutes).</summary>
    public TimeSpan PushedAuthorizationRequestLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// DPoP proofs must carry a nonce this server issued (RFC 9449 §8, §9), at the token endpoint and at resource
    /// endpoints; a proof without a fresh one is answered <c>use_dpop_nonce</c> with a new nonce.
    /// </summary>
    public bool DpopNoncesRequired { get; init; }

    /// <summary>What API keys start with, before the underscore (Blink's <c>key_prefix</c>).</summary>
    public string ApiKeyPrefix { get; init; } = "glint";

    /// <summary>
    /// How long a validated API credential may be served from a node's cache: the longest another node may still accept
    /// a credential revoked elsewhere. The node that revokes stops at once.
    /// </summary>
    public TimeSpan CredentialRevocationBound { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a first-party session token lives (Blink's sessions last 30 days).</summary>
    public TimeSpan SessionTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Development mode: <c>http</c> redirect URIs are accepted beyond loopback.</summary>
    public bool Dev { get; init; }

    /// <summary>
    /// The public base URL, always ending in a slash, that endpoint URLs are built from; built once, as every OAuth2
    /// request is placed under it (<see cref="OAuth2.GlintServerHandlers.UseIssuerAsBaseUri"/>).
    /// </summary>
    public Uri PublicBase => _publicBase ??= Issuer.AbsoluteUri.EndsWith('/') ? Issuer : new Uri(Issuer.AbsoluteUri + "/");

    private Uri? _publicBase;

    public Uri EffectiveLoginUrl => LoginUrl ?? new Uri(PublicBase, "login");

    public Uri EffectiveConsentUrl => ConsentUrl ?? new Uri(PublicBase, "consent");

    public Uri EffectiveLogoutUrl => LogoutUrl ?? new Uri(PublicBase, "logout");

    /// <summary>Cookies are marked Secure whenever the issuer is https.</summary>
    public bool SecureCookies => Issuer.Scheme == Uri.UriSchemeHttps;
}
