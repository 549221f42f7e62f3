using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Glint.Auth.ApiKeys;
using Glint.Auth.OAuth2.Dpop;
using Glint.Auth.SessionTokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// The API's OAuth credentials: <c>Oauth2-Token: &lt;token&gt;</c> (the raw token, as Blink's gateway reads it) and
/// <c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750), and a DPoP-bound token as <c>Authorization: DPoP</c> or
/// <c>Oauth2-Token</c>, with its proof in the <c>DPoP</c> header (RFC 9449). The principal carries <c>sub</c>, <c>scope</c>,
/// <c>client_id</c> and the credential kind. A credential that is present but not valid never becomes anonymous, nor
/// does a credential header that holds none.
/// The scheme's handler, for what authenticates through ASP.NET Core (a subscription's connection_init);
/// <see cref="ApiCredentials.UseApiCredentials"/> asks <see cref="ApiCredentialReader"/> directly.
/// </summary>
public sealed class ApiCredentialsHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiCredentialReader reader)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "glint-api";
    public const string OAuth2TokenHeader = "Oauth2-Token";
    public const string ApiKeyHeader = "X-API-KEY";
    public const string CredentialKindClaim = "glint_credential";
    public const string SessionIdClaim = "glint_session";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => reader.ReadAsync(Context);
}

/// <summary>
/// Reads the request's API credential (see <see cref="ApiCredentialsHandler"/>), once per node rather than once per
/// request: through ASP.NET Core's authentication service every API request built a handler and its stores, which cost
/// more than checking a cached token. The stores a credential needs are taken from the request's services only
/// when that kind of credential is presented.
/// </summary>
public sealed class ApiCredentialReader(DpopResourceProofs dpop)
{
    public async Task<AuthenticateResult> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        // Blink's order: Oauth2-Token, then X-API-KEY, then Authorization.
        var token = request.Headers[ApiCredentialsHandler.OAuth2TokenHeader].ToString();
        if (token.Length == 0 && request.Headers[ApiCredentialsHandler.ApiKeyHeader].ToString() is { Length: > 0 } apiKey)
        {
            return await AuthenticateApiKeyAsync(context, apiKey);
        }

        var inOAuth2TokenHeader = token.Length > 0;
        var dpopScheme = false;
        if (token.Length == 0 && request.Headers.Authorization.ToString() is { } authorization)
        {
            if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                token = authorization["Bearer ".Length..].Trim();
            }
            else if (DpopResourceProofs.DpopToken(authorization) is { } dpopToken)
            {
                token = dpopToken;
                dpopScheme = true;
            }
        }

        if (token.Length == 0)
        {
            // An empty credential header, or an Authorization without a bearer token, is a credential sent wrong (a
            // variable left unset, a token lost on the way), not an anonymous call: Blink's gateway refuses any
            // Authorization it cannot use, and a caller told 401 finds the mistake that "Not authorized" would hide.
            return request.Headers.ContainsKey(ApiCredentialsHandler.OAuth2TokenHeader) || request.Headers.ContainsKey(ApiCredentialsHandler.ApiKeyHeader)
                || request.Headers.ContainsKey(HeaderNames.Authorization)
                ? AuthenticateResult.Fail("A credential header is present but holds no credential: send Oauth2-Token: <token>, X-API-KEY: <key> or Authorization: Bearer <token>, or none of them to call anonymously.")
                : AuthenticateResult.NoResult();
        }

        if (token.StartsWith(SessionTokenStore.Prefix, StringComparison.Ordinal))
        {
            return await AuthenticateSessionAsync(context, token);
        }

        var validated = await context.RequestServices.GetRequiredService<AccessTokens>().ValidateAccessTokenAsync(token, context.RequestAborted);
        if (validated is null)
        {
            return AuthenticateResult.Fail("The access token is invalid, expired or revoked.");
        }

        // An unbound token sent as bearer costs one null check here. Blink's Oauth2-Token header has no scheme: a
        // DPoP header beside it presents the token with a proof.
        if ((validated.DpopThumbprint is not null || dpopScheme) &&
            await dpop.CheckAsync(request, token, validated.DpopThumbprint,
                dpopScheme || (inOAuth2TokenHeader && request.Headers.ContainsKey(DpopProofs.HeaderName))) is { } refusal)
        {
            return AuthenticateResult.Fail(new DpopChallengeException(refusal));
        }

        var identity = new ClaimsIdentity(ApiCredentialsHandler.SchemeName, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, validated.Subject ?? ""));
        identity.AddClaim(new Claim(Claims.Scope, string.Join(' ', validated.Scopes)));
        identity.AddClaim(new Claim(Claims.ClientId, validated.ClientId ?? ""));
        identity.AddClaim(new Claim(ApiCredentialsHandler.CredentialKindClaim, "oauth2"));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiCredentialsHandler.SchemeName));
    }

    /// <summary>A first-party session: the user's, with every scope (Blink's unscoped session tokens).</summary>
    private static async Task<AuthenticateResult> AuthenticateSessionAsync(HttpContext context, string token)
    {
        var session = await context.RequestServices.GetRequiredService<SessionTokenStore>().ValidateAsync(token, context.RequestAborted);
        if (session is null)
        {
            return AuthenticateResult.Fail("The session token is invalid, expired or revoked.");
        }

        var identity = new ClaimsIdentity(ApiCredentialsHandler.SchemeName, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, session.UserId.ToString("D")));
        identity.AddClaim(new Claim(Claims.Scope, ""));
        identity.AddClaim(new Claim(ApiCredentialsHandler.CredentialKindClaim, "session"));
        identity.AddClaim(new Claim(ApiCredentialsHandler.SessionIdClaim, session.SessionId.ToString("D")));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiCredentialsHandler.SchemeName));
    }

    private static async Task<AuthenticateResult> AuthenticateApiKeyAsync(HttpContext context, string secret)
    {
        var key = await context.RequestServices.GetRequiredService<ApiKeyStore>().ValidateAsync(secret.Trim(), context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is invalid, expired or revoked.");
        }

        var identity = new ClaimsIdentity(ApiCredentialsHandler.SchemeName, Claims.Subject, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, key.UserId.ToString("D")));
        identity.AddClaim(new Claim(Claims.Scope, string.Join(' ', key.Scopes)));
        identity.AddClaim(new Claim(Claims.ClientId, "api-key:" + key.KeyId.ToString("D")));
        identity.AddClaim(new Claim(ApiCredentialsHandler.CredentialKindClaim, "api_key"));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiCredentialsHandler.SchemeName));
    }
}

public static class ApiCredentials
{
    /// <summary>
    /// Authenticates API requests under <paramref name="path"/>: a valid credential becomes the request's user, no
    /// credential leaves it anonymous, and an invalid one is answered 401 in the API's error shape before anything runs.
    /// </summary>
    public static IApplicationBuilder UseApiCredentials(this IApplicationBuilder app, PathString path)
    {
        ArgumentNullException.ThrowIfNull(app);
        var reader = app.ApplicationServices.GetRequiredService<ApiCredentialReader>();
        return app.UseWhen(context => context.Request.Path.StartsWithSegments(path), branch => branch.Use(async (context, next) =>
        {
            var result = await reader.ReadAsync(context);
            if (result.Succeeded)
            {
                context.User = result.Principal;
            }
            else if (result.Failure is not null)
            {
                if (result.Failure is DpopChallengeException challenge)
                {
                    context.RequestServices.GetRequiredService<DpopResourceProofs>().Challenge(context.Response, challenge.Refusal);
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.ContentType = "application/json; charset=utf-8";
                await JsonSerializer.SerializeAsync(context.Response.Body,
                    new { error = new { code = 401, status = "Unauthorized", message = result.Failure.Message } }, cancellationToken: context.RequestAborted);
                return;
            }

            await next(context);
        }));
    }
}

/// <summary>A refusal of a DPoP-bound or DPoP-presented token, answered with a <c>DPoP</c> challenge (RFC 9449 §7.1).</summary>
public sealed class DpopChallengeException(DpopRefusal refusal) : Exception(refusal.Description)
{
    public DpopRefusal Refusal { get; } = refusal;
}
