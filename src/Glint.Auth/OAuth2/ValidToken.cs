using System.Collections.Immutable;
using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>What a usable token grants, as the API and introspection read it: small, immutable and safe to cache.</summary>
public sealed record ValidToken(
    string? Subject,
    ImmutableArray<string> Scopes,
    string? ClientId,
    ImmutableArray<string> Audiences,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    string? Extra,
    bool IsRefreshToken,
    string? TokenId,
    string? DpopThumbprint = null)
{
    public static ValidToken From(ClaimsPrincipal principal) => new(
        principal.GetClaim(Claims.Subject),
        principal.GetScopes(),
        principal.GetClaim(Claims.ClientId) ?? principal.GetPresenters().FirstOrDefault(),
        principal.GetAudiences(),
        principal.GetCreationDate(),
        principal.GetExpirationDate(),
        principal.GetClaim(TokenClaims.Extra),
        principal.HasTokenType(TokenTypeIdentifiers.RefreshToken),
        principal.GetTokenId(),
        GlintServerHandlers.Dpop.ThumbprintOf(principal));
}
