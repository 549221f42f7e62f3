using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Auth.Clients;
using Glint.Auth.FlowStorage;
using Glint.Auth.OAuth2;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.Flows;

/// <summary>
/// The three legs of the authorization endpoint, as Hydra runs them: a new request goes to the login app with a
/// login challenge; the browser comes back with a login verifier and goes on to the consent app; it comes back
/// with a consent verifier and leaves with a code. OpenIddict has validated the request before each leg.
/// </summary>
public sealed class AuthorizationFlows(
    FlowStore store,
    FlowSealer sealer,
    ClientManager clients,
    OpenIddictApplicationManager<Client> applications,
    LoginSessionCookie cookies,
    AuthSettings settings,
    TimeProvider time)
{
    public const string LoginVerifier = "login_verifier";
    public const string ConsentVerifier = "consent_verifier";

    private const string RequestUnauthorized = "request_unauthorized";

    public async Task<IResult> StartAsync(HttpContext http, OpenIddictRequest request, DeviceFlow? device = null)
    {
        var now = time.GetUtcNow();
        var prompt = (request.Prompt ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var session = cookies.ReadSessionId(http.Request) is { } id ? await store.RememberedSessionAsync(id, now, http.RequestAborted) : null;
        var skip = session is not null && !prompt.Contains(PromptValues.Login) && !prompt.Contains(PromptValues.SelectAccount) &&
            // The session's age against max_age, never max_age added to a date: any max_age may come in the request.
            (request.MaxAge is not { } maxAge || (now - session.AuthenticatedAt).TotalSeconds <= maxAge);

        if (prompt.Contains(PromptValues.None) && !skip)
        {
            return Refuse(device, Errors.LoginRequired, "The Authorization Server requires End-User authentication.");
        }

        var csrf = FlowSecrets.New();
        var flow = Flow.Start(request.ClientId!, skip ? session!.Subject : null, skip ? session!.Id : Guid.NewGuid().ToString(), now, new FlowDocument
        {
            RequestUrl = device is not null ? RequestUrls.Of(http, settings, GlintServerHandlers.DeviceCodes.VerificationPath)
                : string.IsNullOrEmpty(request.RequestUri)
                ? RequestUrls.Of(http, settings, AuthorizeApi.Path)
                : RequestUrls.OfPushed(request, settings, AuthorizeApi.Path),
            RequestedScope = [.. request.GetScopes()],
            RequestedAudience = [.. GlintServerHandlers.Exchange.RequestedAudiences(request)],
            OidcContext = OidcContext(request),
            Prompt = prompt,
            LoginSkip = skip,
            // A skipped login is the remembered one: auth_time stays the time the user last authenticated (OIDC Core 2).
            AuthenticatedAt = skip ? session!.AuthenticatedAt : null,
            LoginCsrfHash = FlowSecrets.Hash(csrf),
        });
        if (sealer.Seal(flow, FlowPurpose.LoginChallenge) is not { } challenge)
        {
            return Refuse(device, Errors.InvalidRequest, TooLarge);
        }

        cookies.WriteCsrf(http.Response, LoginSessionCookie.CsrfName("login", flow.ClientId), csrf);
        return Results.Redirect(QueryHelpers.AddQueryString(settings.EffectiveLoginUrl.AbsoluteUri, "login_challenge", challenge));
    }

    public async Task<IResult> FinishLoginAsync(HttpContext http, OpenIddictRequest request, string? redirectUri, string verifier, DeviceFlow? device = null)
    {
        var now = time.GetUtcNow();
        var flow = sealer.Unseal(verifier, FlowPurpose.LoginVerifier);
        if (flow is null || flow.ClientId != request.ClientId)
        {
            return Refuse(device, Errors.AccessDenied, "The login verifier has already been used, has not been granted, or is invalid.");
        }

        if (flow.Expired(settings.FlowLifetime, now))
        {
            return Refuse(device, RequestUnauthorized, "The request could not be authorized. Check that you provided valid credentials in the right format. The login request has expired, please try again.");
        }

        var document = flow.Document;
        var csrfCookie = LoginSessionCookie.CsrfName("login", flow.ClientId);
        if (!FlowSecrets.Matches(http.Request.Cookies[csrfCookie], document.LoginCsrfHash))
        {
            // The first redemption took the cookie with it: a replay in the same browser is a used verifier.
            return Flow.LoginUsed(await store.RedemptionAsync(flow.Id, http.RequestAborted))
                ? Refuse(device, Errors.AccessDenied, "The login verifier has already been used, has not been granted, or is invalid.")
                : CsrfMismatch(device);
        }

        cookies.DeleteCsrf(http.Response, csrfCookie);
        if (flow.State == FlowState.LoginRejected)
        {
            return await store.RedeemLoginAsync(Redemption(flow, Guid.NewGuid()), null, http.RequestAborted)
                ? Rejected(device, document.Rejection)
                : VerifierUsed(device);
        }

        var (rememberedSession, extendedUntil) = LoginSessionChange(http, flow, now);

        var client = await clients.FindMetadataAsync(flow.ClientId, http.RequestAborted);
        var consentSkip = !document.Prompt.Contains(PromptValues.Consent) &&
            !(client is { IsPublic: true } && !IsWebRedirect(redirectUri)) &&
            await RememberedConsentCoversAsync(flow, document.RequestedScope, now, http.RequestAborted);
        if (document.Prompt.Contains(PromptValues.None) && !consentSkip)
        {
            return Refuse(device, Errors.ConsentRequired, "The Authorization Server requires End-User consent.");
        }

        var csrf = FlowSecrets.New();
        var version = Guid.NewGuid();
        flow.StartConsent(consentSkip, FlowSecrets.Hash(csrf), now, version);
        if (sealer.Seal(flow, FlowPurpose.ConsentChallenge) is not { } challenge)
        {
            return Refuse(device, Errors.InvalidRequest, TooLarge);
        }

        if (!await store.RedeemLoginAsync(Redemption(flow, version), rememberedSession, http.RequestAborted))
        {
            return VerifierUsed(device);
        }

        if (extendedUntil is { } extension)
        {
            await store.ExtendSessionAsync(flow.SessionId, extension.ExpiresAt, http.RequestAborted);
        }

        cookies.WriteCsrf(http.Response, LoginSessionCookie.CsrfName("consent", flow.ClientId), csrf);
        return Results.Redirect(QueryHelpers.AddQueryString(settings.EffectiveConsentUrl.AbsoluteUri, "consent_challenge", challenge));
    }

    public async Task<IResult> FinishConsentAsync(HttpContext http, OpenIddictRequest request, string verifier, DeviceFlow? device = null)
    {
        var flow = sealer.Unseal(verifier, FlowPurpose.ConsentVerifier);
        if (flow?.Redemption is not { } version)
        {
            return Refuse(device, Errors.AccessDenied, "The consent verifier has already been used, has not been granted, or is invalid.");
        }

        if (flow.ClientId != request.ClientId)
        {
            return Refuse(device, Errors.InvalidClient, "The flow was started by another client.");
        }

        if (flow.Expired(settings.FlowLifetime, time.GetUtcNow()))
        {
            return Refuse(device, RequestUnauthorized, "The request could not be authorized. Check that you provided valid credentials in the right format. The consent request has expired, please try again.");
        }

        var document = flow.Document;
        var csrfCookie = LoginSessionCookie.CsrfName("consent", flow.ClientId);
        if (!FlowSecrets.Matches(http.Request.Cookies[csrfCookie], document.ConsentCsrfHash))
        {
            return Flow.ConsentUsed(await store.RedemptionAsync(flow.Id, http.RequestAborted))
                ? Refuse(device, Errors.AccessDenied, "The consent verifier has already been used, has not been granted, or is invalid.")
                : CsrfMismatch(device);
        }

        cookies.DeleteCsrf(http.Response, csrfCookie);
        if (flow.State == FlowState.ConsentRejected)
        {
            return await store.RedeemRejectedConsentAsync(Redemption(flow, version), version, http.RequestAborted)
                ? Rejected(device, document.Rejection)
                : VerifierUsed(device);
        }

        var client = await clients.FindMetadataAsync(flow.ClientId, http.RequestAborted);
        var application = await applications.FindByClientIdAsync(flow.ClientId, http.RequestAborted);
        if (client is null || application is null)
        {
            return Refuse(device, Errors.InvalidClient, "The client no longer exists.");
        }

        // The consent was checked against the client when it was given; the client may have been narrowed since.
        if (ClientGrant.FirstDisallowedScope(client, document.Consent!.GrantScope ?? []) is { } scope)
        {
            return Refuse(device, Errors.InvalidScope, ClientGrant.ScopeRefusal(scope));
        }

        if (ClientGrant.FirstDisallowedAudience(client, document.Consent.GrantAccessTokenAudience ?? []) is { } audience)
        {
            return Refuse(device, Errors.InvalidRequest, ClientGrant.AudienceRefusal(audience));
        }

        var principal = GrantedPrincipal(flow, document, client, device is not null);
        var consent = Redemption(flow, version);
        consent.ConsentRemembered = document.Consent.Remember && !document.ConsentSkip;
        consent.Document = document.Serialize();
        var authorization = FlowStore.NewAuthorization(
            flow.Subject, document.Consent.Remember ? AuthorizationTypes.Permanent : AuthorizationTypes.AdHoc, principal.GetScopes(), time.GetUtcNow());
        var redemption = store.ConsentRedemption(consent, version, authorization, application.Id!);
        if (device is null && http.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction is { } transaction)
        {
            // Committed with the code, in the sign-in: one wait instead of two, and a verifier that lost its race
            // leaves no code (the sign-in then answers as VerifierUsed does).
            DeferredRedemption.Defer(transaction, new DeferredRedemption(redemption, new(Errors.AccessDenied, VerifierUsedDescription)));
        }
        else if (!await store.RedeemConsentAsync(redemption, http.RequestAborted))
        {
            return VerifierUsed(device);
        }

        principal.SetAuthorizationId(authorization.Id);
        // Hydra's authorization response names the granted scopes: `scope` beside `code` and `state`.
        var properties = device?.Approved() ?? new AuthenticationProperties();
        properties.Parameters[Parameters.Scope] = string.Join(' ', principal.GetScopes());
        return Results.SignIn(principal, properties, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private const string TooLarge = "The authorization request is too large to carry through login and consent: shorten its parameters.";

    /// <summary>An error for the client: at its redirect URI, or, for a device, in its next poll.</summary>
    private static IResult Refuse(DeviceFlow? device, string error, string? description) =>
        device?.Denied(error, description) ?? FlowErrors.ToClient(error, description);

    private static IResult Rejected(DeviceFlow? device, RejectRequest? rejection) =>
        device is null ? FlowErrors.Rejected(rejection) : device.Denied(Errors.AccessDenied, rejection?.ErrorDescription);

    private static IResult CsrfMismatch(DeviceFlow? device) =>
        Refuse(device, "request_forbidden", "The CSRF value from the token does not match the CSRF value from the data store.");

    /// <summary>A verifier redeemed twice, here or on another node: the second loses.</summary>
    private static IResult VerifierUsed(DeviceFlow? device) => Refuse(device, Errors.AccessDenied, VerifierUsedDescription);

    private const string VerifierUsedDescription = "The verifier has already been used.";

    /// <summary>The stored redemption of a flow's verifier: its primary key is the flow's id.</summary>
    private static OAuthFlow Redemption(Flow flow, Guid version) => new()
    {
        Id = flow.Id,
        ClientId = flow.ClientId,
        Subject = flow.Subject,
        SessionId = flow.SessionId,
        State = flow.Redeemed(),
        RequestedAt = flow.RequestedAt,
        Version = version,
    };

    /// <summary>What the code, and the tokens exchanged for it, say: the consent's grant and the login's facts.</summary>
    private static ClaimsPrincipal GrantedPrincipal(Flow flow, FlowDocument document, ClientMetadata client, bool deviceGrant)
    {
        var consent = document.Consent!;
        var login = document.Login;
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, flow.Subject);
        identity.SetClaim(TokenClaims.SessionId, flow.SessionId);
        identity.SetClaim(Claims.AuthenticationTime, (document.AuthenticatedAt ?? flow.RequestedAt).ToUnixTimeSeconds());
        if (!string.IsNullOrEmpty(login?.Acr))
        {
            identity.SetClaim(Claims.AuthenticationContextReference, login.Acr);
        }

        if (login?.Amr is { Count: > 0 } amr)
        {
            identity.SetClaims(Claims.AuthenticationMethodReference, [.. amr]);
        }

        if (consent.Session?.AccessToken is { Count: > 0 } extra)
        {
            identity.SetClaim(TokenClaims.Extra, JsonSerializer.SerializeToElement(extra));
        }

        foreach (var (name, value) in consent.Session?.IdToken ?? [])
        {
            if (!TokenClaims.Reserved.Contains(name) && value is not null)
            {
                identity.SetClaim(name, JsonSerializer.SerializeToElement(value));
            }
        }

        identity.SetScopes(consent.GrantScope ?? []);
        identity.SetAudiences(consent.GrantAccessTokenAudience ?? []);
        identity.SetDestinations(TokenClaims.Destinations);

        var principal = new ClaimsPrincipal(identity);
        // The device code carries this principal to the token endpoint, so a device grant's tokens get the device
        // grant's lifespans (Hydra's device_authorization_grant_*), a code's the authorization code grant's.
        var (accessLifespan, refreshLifespan, idTokenLifespan) = deviceGrant
            ? (client.DeviceAuthorizationGrantAccessTokenLifespan, client.DeviceAuthorizationGrantRefreshTokenLifespan, client.DeviceAuthorizationGrantIdTokenLifespan)
            : (client.AuthorizationCodeGrantAccessTokenLifespan, client.AuthorizationCodeGrantRefreshTokenLifespan, client.AuthorizationCodeGrantIdTokenLifespan);
        if (Lifespan(accessLifespan) is { } access)
        {
            principal.SetAccessTokenLifetime(access);
        }

        if (Lifespan(refreshLifespan) is { } refresh)
        {
            principal.SetRefreshTokenLifetime(refresh);
        }

        if (Lifespan(idTokenLifespan) is { } idToken)
        {
            principal.SetIdentityTokenLifetime(idToken);
        }

        return principal;
    }

    /// <summary>
    /// What the login answer does to the browser's login session: a new remembered session (stored with the
    /// redemption), a skipped login's session extended, or none; the session cookie follows.
    /// </summary>
    private (LoginSession? Remembered, SessionExtension? Extended) LoginSessionChange(HttpContext http, Flow flow, DateTimeOffset now)
    {
        var login = flow.Document.Login!;
        var rememberFor = RememberPeriod.Lifetime(login.RememberFor);
        var expiresAt = rememberFor is { } lifetime ? now + lifetime : (DateTimeOffset?)null;
        if (flow.Document.LoginSkip)
        {
            if (!login.ExtendSessionLifespan)
            {
                return (null, null);
            }

            cookies.Write(http.Response, flow.SessionId, rememberFor);
            return (null, new SessionExtension(expiresAt));
        }

        if (!login.Remember)
        {
            // Not stored (only a remembered session is ever looked up, to skip login); the browser's old one ends here.
            cookies.Delete(http.Response);
            return (null, null);
        }

        cookies.Write(http.Response, flow.SessionId, rememberFor);
        return (new LoginSession
        {
            Id = flow.SessionId,
            Subject = flow.Subject!,
            AuthenticatedAt = flow.Document.AuthenticatedAt ?? now,
            Remember = true,
            ExpiresAt = expiresAt,
        }, null);
    }

    private sealed record SessionExtension(DateTimeOffset? ExpiresAt);

    /// <summary>Hydra's consent skip: a remembered, unexpired, unrevoked consent for this subject and client covering every requested scope.</summary>
    private async Task<bool> RememberedConsentCoversAsync(Flow flow, IReadOnlyList<string> requested, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var remembered = await store.RememberedConsentsAsync(flow.Subject!, flow.ClientId, cancellationToken);
        return remembered.Any(previous =>
            previous.Consent is { } consent &&
            (RememberPeriod.Lifetime(consent.RememberFor) is not { } lifetime || previous.ConsentHandledAt + lifetime > now) &&
            requested.All(scope => ScopeStrategy.Allows(consent.GrantScope ?? [], scope)));
    }

    private static JsonObject OidcContext(OpenIddictRequest request)
    {
        var context = new JsonObject
        {
            ["acr_values"] = new JsonArray([.. (request.AcrValues ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => JsonValue.Create(v))]),
            ["ui_locales"] = new JsonArray([.. (request.UiLocales ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => JsonValue.Create(v))]),
            ["id_token_hint_claims"] = new JsonObject(),
        };
        if (!string.IsNullOrEmpty(request.Display))
        {
            context["display"] = request.Display;
        }

        if (!string.IsNullOrEmpty(request.LoginHint))
        {
            context["login_hint"] = request.LoginHint;
        }

        return context;
    }

    /// <summary>https, or http on loopback: redirects a browser app uses. Custom schemes (native apps) are not.</summary>
    private static bool IsWebRedirect(string? redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || uri.Host.EndsWith(".localhost", StringComparison.Ordinal))));

    private static TimeSpan? Lifespan(string? value) => value is not null && GoDuration.TryParse(value, out var lifespan) ? lifespan : null;
}
