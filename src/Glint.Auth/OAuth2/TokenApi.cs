using System.Security.Claims;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// <c>POST /oauth2/token</c>. OpenIddict parses, authenticates the client and validates the request; this endpoint
/// only decides what the token says, then hands it back to OpenIddict to issue.
/// </summary>
public static class TokenApi
{
    public const string Path = "/oauth2/token";

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder routes)
    {
        // As a route handler (Delegate), so that the result it returns is written; it takes only the HttpContext.
        routes.MapPost(Path, (Delegate)ExchangeAsync);
        return routes;
    }

    private static async Task<IResult> ExchangeAsync(HttpContext http)
    {
        var transaction = http.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction;
        var request = transaction?.Request
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");

        // The client OpenIddict authenticated, as the request resolved it (see RequestScope).
        var client = await transaction.FindClientMetadataAsync(request.ClientId, http.RequestAborted);
        if (request.IsClientCredentialsGrantType() && client is not null)
        {
            return Results.SignIn(ClientCredentialsPrincipal(request, client), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if ((request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType() || request.IsDeviceCodeGrantType()) && client is not null)
        {
            // OpenIddict has redeemed the code, device code or refresh token (single use, PKCE, redirect URI, client;
            // a device code only once the user approved it) and checked that its authorization, the user's consent,
            // still stands. The new tokens say what the old grant said.
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            if (result.Principal is not { } granted)
            {
                return Forbid(Errors.InvalidGrant, "The authorization code or refresh token is no longer valid.");
            }

            var principal = new ClaimsPrincipal(granted.Identity!);
            if (request.IsRefreshTokenGrantType())
            {
                ApplyRefreshLifespans(principal, client);
                // Resolved here, not as parameters: a client_credentials request never needs them.
                await RevokeEarlierAccessTokensAsync(granted, http.RequestServices.GetRequiredService<GlintDbContext>(),
                    http.RequestServices.GetRequiredService<OpenIddictTokenManager<OAuthToken>>(), http.RequestAborted);
            }

            return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.GrantType == JwtBearer.JwtBearerGrant.GrantType && client is not null)
        {
            var redeemed = await http.RequestServices.GetRequiredService<JwtBearer.JwtBearerGrant>().RedeemAsync(request, client, http.RequestAborted);
            return redeemed.Principal is { } principal
                ? Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
                : Forbid(redeemed.Error!, redeemed.Description!);
        }

        return Forbid(Errors.UnsupportedGrantType, "The authorization grant type is not supported by the authorization server.");
    }

    /// <summary>Hydra's client_credentials token: the subject is the client, scope and audience exactly as requested.</summary>
    private static ClaimsPrincipal ClientCredentialsPrincipal(OpenIddictRequest request, ClientMetadata client)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId);
        identity.SetScopes(request.GetScopes());
        identity.SetAudiences(GlintServerHandlers.Exchange.RequestedAudiences(request));
        // No destinations: the grant issues an access token only (DecideIssuedTokens), and OpenIddict's access token
        // keeps the subject and the scopes and drops every other private claim whatever their destinations (the
        // audiences reach it as resources). Destinations were serialised per claim on every request and then dropped.

        var principal = new ClaimsPrincipal(identity);
        if (client.ClientCredentialsGrantAccessTokenLifespan is { } lifespan && GoDuration.TryParse(lifespan, out var lifetime))
        {
            principal.SetAccessTokenLifetime(lifetime);
        }

        return principal;
    }

    /// <summary>
    /// Hydra's rotation: a refresh ends the access tokens issued until the presented refresh token, its own included
    /// (v2.2.0 deletes every access token of the grant; with a grace period Hydra ends the presented token's pair).
    /// Access tokens issued later, by a concurrent refresh inside the grace window, stay. OpenIddict leaves them all.
    /// Token dates have second precision: a reuse within the second the presented token was issued in also ends what
    /// the first use issued in that second.
    /// </summary>
    private static async Task RevokeEarlierAccessTokensAsync(
        ClaimsPrincipal refreshToken, GlintDbContext db, OpenIddictTokenManager<OAuthToken> tokens, CancellationToken cancellationToken)
    {
        if (refreshToken.GetAuthorizationId() is not { } authorizationId || refreshToken.GetCreationDate() is not { } issued)
        {
            return;
        }

        var until = issued.UtcDateTime;
        var earlier = await db.OAuthTokens
            .Where(token => token.Authorization!.Id == authorizationId && token.Type == TokenTypeIdentifiers.AccessToken &&
                token.Status == Statuses.Valid && token.CreationDate <= until)
            .ToListAsync(cancellationToken);
        foreach (var token in earlier)
        {
            await tokens.TryRevokeAsync(token, cancellationToken);
        }
    }

    private static void ApplyRefreshLifespans(ClaimsPrincipal principal, ClientMetadata client)
    {
        if (client.RefreshTokenGrantAccessTokenLifespan is { } access && GoDuration.TryParse(access, out var accessLifetime))
        {
            principal.SetAccessTokenLifetime(accessLifetime);
        }

        if (client.RefreshTokenGrantRefreshTokenLifespan is { } refresh && GoDuration.TryParse(refresh, out var refreshLifetime))
        {
            principal.SetRefreshTokenLifetime(refreshLifetime);
        }

        if (client.RefreshTokenGrantIdTokenLifespan is { } idToken && GoDuration.TryParse(idToken, out var idTokenLifetime))
        {
            principal.SetIdentityTokenLifetime(idTokenLifetime);
        }
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
