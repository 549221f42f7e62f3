using System.Security.Claims;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Validates a token Glint issued, through OpenIddict's own validation pipeline: signature or reference lookup,
/// expiry, and whether the token, or the consent it hangs from, was revoked. Introspection and the API both use
/// it, so they always agree.
/// </summary>
public sealed class AccessTokens(IOpenIddictServerFactory factory, IOpenIddictServerDispatcher dispatcher)
{
    private static readonly string[] AccessOnly = [TokenTypeIdentifiers.AccessToken];
    private static readonly string[] AccessOrRefresh = [TokenTypeIdentifiers.AccessToken, TokenTypeIdentifiers.RefreshToken];

    /// <summary>The principal of a usable access token, or null.</summary>
    public Task<ClaimsPrincipal?> ValidateAccessTokenAsync(string token, CancellationToken cancellationToken) =>
        ValidateAsync(token, null, AccessOnly, cancellationToken);

    /// <summary>The principal of a usable access or refresh token, or null (introspection accepts both).</summary>
    public Task<ClaimsPrincipal?> ValidateAnyAsync(string token, string? hint, CancellationToken cancellationToken) =>
        ValidateAsync(token, hint, AccessOrRefresh, cancellationToken);

    private async Task<ClaimsPrincipal?> ValidateAsync(string token, string? hint, string[] types, CancellationToken cancellationToken)
    {
        var transaction = await factory.CreateTransactionAsync();
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

        await dispatcher.DispatchAsync(context);
        return context.IsRejected ? null : context.Principal;
    }
}
