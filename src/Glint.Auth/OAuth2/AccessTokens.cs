using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Validates a token Glint issued, through OpenIddict's own validation pipeline: signature or reference lookup,
/// expiry, and whether the token, or the consent it hangs from, was revoked. Valid access tokens are then served
/// from the node's <see cref="AccessTokenCache"/> until a revocation or the revocation bound ends them. Introspection
/// and the API both come here, so they always agree. OpenIddict's factory and dispatcher are taken from the request's
/// services only when a token is not in the cache: building them for every API request cost more than the cached check.
/// </summary>
public sealed class AccessTokens(IServiceProvider services, AccessTokenCache cache)
{
    private static readonly string[] AccessOnly = [TokenTypeIdentifiers.AccessToken];
    private static readonly string[] AccessOrRefresh = [TokenTypeIdentifiers.AccessToken, TokenTypeIdentifiers.RefreshToken];

    /// <summary>What a usable access token grants, or null.</summary>
    public Task<ValidToken?> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken) =>
        ValidateAsync(token, null, AccessOnly, cancellationToken);

    /// <summary>What a usable access or refresh token grants, or null (introspection accepts both).</summary>
    public Task<ValidToken?> ValidateAnyAsync(string token, string? hint, CancellationToken cancellationToken) =>
        ValidateAsync(token, hint, AccessOrRefresh, cancellationToken);

    private async Task<ValidToken?> ValidateAsync(string token, string? hint, string[] types, CancellationToken cancellationToken)
    {
        var key = AccessTokenCache.KeyOf(token);
        if (cache.Find(key) is { } cached)
        {
            AuthTelemetry.TokenValidations.Add(1, AuthTelemetry.Valid, AuthTelemetry.Cached);
            return cached;
        }

        // Taken before the lookup: a revocation committed while it runs keeps the result out of the cache.
        var stamp = cache.Begin();
        if (await ValidatePrincipalAsync(token, hint, types, cancellationToken) is not { } principal)
        {
            AuthTelemetry.TokenValidations.Add(1, AuthTelemetry.Invalid, AuthTelemetry.NotCached);
            return null;
        }

        AuthTelemetry.TokenValidations.Add(1, AuthTelemetry.Valid, AuthTelemetry.NotCached);
        var valid = ValidToken.From(principal);
        if (!valid.IsRefreshToken)
        {
            // Refresh tokens change with every use (redemption), so only access tokens are kept.
            cache.Add(key, valid, stamp);
        }

        return valid;
    }

    private async Task<ClaimsPrincipal?> ValidatePrincipalAsync(string token, string? hint, string[] types, CancellationToken cancellationToken)
    {
        var transaction = await services.GetRequiredService<IOpenIddictServerFactory>().CreateTransactionAsync();
        transaction.CancellationToken = cancellationToken;
        transaction.Request = new OpenIddictRequest();
        var context = new OpenIddictServerEvents.ValidateTokenContext(transaction)
        {
            Token = token,
            TokenTypeHint = string.IsNullOrEmpty(hint) ? null : hint,
        };
        foreach (var type in types)
        {
            context.ValidTokenTypes.Add(type);
        }

        await services.GetRequiredService<IOpenIddictServerDispatcher>().DispatchAsync(context);
        return context.IsRejected ? null : context.Principal;
    }
}
