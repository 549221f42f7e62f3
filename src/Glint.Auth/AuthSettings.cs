namespace Glint.Auth;

/// <summary>The authorization server's settings, read once at start-up (Hydra's <c>urls.self.issuer</c>, <c>ttl.*</c>, <c>strategies.access_token</c>).</summary>
public sealed class AuthSettings
{
    public required Uri Issuer { get; init; }

    /// <summary>True when the issuer is plain http, which start-up allows only on loopback or in dev mode.</summary>
    public bool AllowHttp { get; init; }

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromHours(720);

    public TimeSpan IdTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan AuthorizationCodeLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Issue JWT access tokens to clients that do not choose; opaque otherwise (Hydra's default).</summary>
    public bool JwtAccessTokens { get; init; }
}
