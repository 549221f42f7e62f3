using System.Security.Claims;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>Which claim goes into which token, as Hydra places them.</summary>
public static class TokenClaims
{
    /// <summary>The consent's <c>session.access_token</c>: introspection's <c>ext</c>, and <c>ext</c> in JWT access tokens.</summary>
    public const string Extra = "ext";

    public const string SessionId = "sid";

    /// <summary>Names the consent's <c>session.id_token</c> cannot override.</summary>
    public static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        Claims.Subject, Claims.Issuer, Claims.Audience, Claims.ExpiresAt, Claims.IssuedAt, Claims.NotBefore, Claims.JwtId,
        Claims.Nonce, Claims.AuthenticationTime, Claims.AuthenticationContextReference, Claims.AuthenticationMethodReference,
        Claims.AccessTokenHash, Claims.CodeHash, Claims.Scope, Claims.ClientId, Claims.AuthorizedParty, SessionId, Extra, "rat",
    };

    public static IEnumerable<string> Destinations(Claim claim) => claim.Type switch
    {
        Claims.Subject => [OpenIddict.Abstractions.OpenIddictConstants.Destinations.AccessToken, OpenIddict.Abstractions.OpenIddictConstants.Destinations.IdentityToken],
        Extra => [OpenIddict.Abstractions.OpenIddictConstants.Destinations.AccessToken],
        _ when claim.Type.StartsWith("oi_", StringComparison.Ordinal) => [],
        Claims.Scope or Claims.Audience => [],
        // Everything else is identity: sid, auth_time, acr, amr and the consent's session.id_token claims.
        _ => [OpenIddict.Abstractions.OpenIddictConstants.Destinations.IdentityToken],
    };
}
