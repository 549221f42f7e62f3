using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Auth.Clients;
using Glint.Auth.OAuth2;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
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
    GlintDbContext db,
    ClientDirectory clients,
    OpenIddictApplicationManager<OAuthClient> applications,
    OpenIddictAuthorizationManager<OAuthAuthorization> authorizations,
    LoginSessionCookie cookies,
    AuthSettings settings,
    TimeProvider time)
{
    public const string LoginVerifier = "login_verifier";
    public const string ConsentVerifier = "consent_verifier";

    private const string RequestUnauthorized = "request_unauthorized";

    public async Task<IResult> StartAsync(HttpContext http, OpenIddictRequest request)
    {
        var now = time.GetUtcNow();
        var prompt = (request.Prompt ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var session = await RememberedSessionAsync(http, now, http.RequestAborted);
        var skip = session is not null && !prompt.Contains(PromptValues.Login) && !prompt.Contains(PromptValues.SelectAccount) &&
            (request.MaxAge is not { } maxAge || session.AuthenticatedAt.AddSeconds(maxAge) >= now);

        if (prompt.Contains(PromptValues.None) && !skip)
        {
            return FlowErrors.ToClient(Errors.LoginRequired, "The Authorization Server requires End-User authentication.");
        }

        var csrf = FlowSecrets.New();
        var document = new FlowDocument
        {
            RequestUrl = RequestUrls.Of(http, settings, AuthorizeApi.Path),
            RequestedScope = [.. request.GetScopes()],
            RequestedAudience = [.. GlintServerHandlers.Exchange.RequestedAudiences(request)],
            OidcContext = OidcContext(request),
            Prompt = prompt,
            LoginSkip = skip,
            LoginCsrfHash = FlowSecrets.Hash(csrf),
        };
        var flow = new OAuthFlow
        {
            Id = FlowSecrets.New(),
            ClientId = request.ClientId!,
            Subject = skip ? session!.Subject : null,
            SessionId = skip ? session!.Id : Guid.NewGuid().ToString(),
            State = OAuthFlowState.LoginRequested,
            RequestedAt = now,
            Document = document.Serialize(),
            Version = Guid.NewGuid(),
        };
        db.OAuthFlows.Add(flow);
        await db.SaveChangesAsync(http.RequestAborted);

        cookies.WriteCsrf(http.Response, LoginSessionCookie.CsrfName("login", flow.ClientId), csrf);
        return Results.Redirect(QueryHelpers.AddQueryString(settings.EffectiveLoginUrl.AbsoluteUri, "login_challenge", flow.Id));
    }

    public async Task<IResult> FinishLoginAsync(HttpContext http, OpenIddictRequest request, string? redirectUri, string verifier)
    {
        var now = time.GetUtcNow();
        var flow = await db.OAuthFlows.SingleOrDefaultAsync(f => f.LoginVerifierHash == FlowSecrets.Hash(verifier), http.RequestAborted);
        if (flow is null || flow.State is not (OAuthFlowState.LoginAccepted or OAuthFlowState.LoginRejected) || flow.ClientId != request.ClientId)
        {
            return FlowErrors.ToClient(Errors.AccessDenied, "The login verifier has already been used, has not been granted, or is invalid.");
        }

        if (Expired(flow, now))
        {
            return FlowErrors.ToClient(RequestUnauthorized, "The request could not be authorized. Check that you provided valid credentials in the right format. The login request has expired, please try again.");
        }

        var document = FlowDocument.Parse(flow.Document);
        var csrfCookie = LoginSessionCookie.CsrfName("login", flow.ClientId);
        if (!FlowSecrets.Matches(http.Request.Cookies[csrfCookie], document.LoginCsrfHash))
        {
            return FlowErrors.ToClient("request_forbidden", "The CSRF value from the token does not match the CSRF value from the data store.");
        }

        cookies.DeleteCsrf(http.Response, csrfCookie);
        if (flow.State == OAuthFlowState.LoginRejected)
        {
            flow.State = OAuthFlowState.LoginRejectedUsed;
            return await SaveAsync(flow, http.RequestAborted) ?? FlowErrors.Rejected(document.Rejection);
        }

        await RecordLoginSessionAsync(http, flow, document, now);

        var client = await clients.FindAsync(flow.ClientId, http.RequestAborted);
        var consentSkip = !document.Prompt.Contains(PromptValues.Consent) &&
            !(client is { IsPublic: true } && !IsWebRedirect(redirectUri)) &&
            await RememberedConsentCoversAsync(flow, document.RequestedScope, now, http.RequestAborted);
        if (document.Prompt.Contains(PromptValues.None) && !consentSkip)
        {
            return FlowErrors.ToClient(Errors.ConsentRequired, "The Authorization Server requires End-User consent.");
        }

        var csrf = FlowSecrets.New();
        document.ConsentSkip = consentSkip;
        document.ConsentCsrfHash = FlowSecrets.Hash(csrf);
        document.ConsentRequestedAt = now;
        flow.ConsentChallenge = FlowSecrets.New();
        flow.State = OAuthFlowState.ConsentRequested;
        flow.Document = document.Serialize();
        if (await SaveAsync(flow, http.RequestAborted) is { } conflict)
        {
            return conflict;
        }

        cookies.WriteCsrf(http.Response, LoginSessionCookie.CsrfName("consent", flow.ClientId), csrf);
        return Results.Redirect(QueryHelpers.AddQueryString(settings.EffectiveConsentUrl.AbsoluteUri, "consent_challenge", flow.ConsentChallenge));
    }

    public async Task<IResult> FinishConsentAsync(HttpContext http, OpenIddictRequest request, string verifier)
    {
        var flow = await db.OAuthFlows.SingleOrDefaultAsync(f => f.ConsentVerifierHash == FlowSecrets.Hash(verifier), http.RequestAborted);
        if (flow is null || flow.State is not (OAuthFlowState.ConsentAccepted or OAuthFlowState.ConsentRejected))
        {
            return FlowErrors.ToClient(Errors.AccessDenied, "The consent verifier has already been used, has not been granted, or is invalid.");
        }

        if (flow.ClientId != request.ClientId)
        {
            return FlowErrors.ToClient(Errors.InvalidClient, "The flow was started by another client.");
        }

        if (Expired(flow, time.GetUtcNow()))
        {
            return FlowErrors.ToClient(RequestUnauthorized, "The request could not be authorized. Check that you provided valid credentials in the right format. The consent request has expired, please try again.");
        }

        var document = FlowDocument.Parse(flow.Document);
        var csrfCookie = LoginSessionCookie.CsrfName("consent", flow.ClientId);
        if (!FlowSecrets.Matches(http.Request.Cookies[csrfCookie], document.ConsentCsrfHash))
        {
            return FlowErrors.ToClient("request_forbidden", "The CSRF value from the token does not match the CSRF value from the data store.");
        }

        cookies.DeleteCsrf(http.Response, csrfCookie);
        if (flow.State == OAuthFlowState.ConsentRejected)
        {
            flow.State = OAuthFlowState.ConsentRejectedUsed;
            return await SaveAsync(flow, http.RequestAborted) ?? FlowErrors.Rejected(document.Rejection);
        }

        var client = await clients.FindAsync(flow.ClientId, http.RequestAborted);
        var application = await applications.FindByClientIdAsync(flow.ClientId, http.RequestAborted);
        if (client is null || application is null)
        {
            return FlowErrors.ToClient(Errors.InvalidClient, "The client no longer exists.");
        }

        // The consent was checked against the client when it was given; the client may have been narrowed since.
        if (ClientGrant.FirstDisallowedScope(client, document.Consent!.GrantScope ?? []) is { } scope)
        {
            return FlowErrors.ToClient(Errors.InvalidScope, ClientGrant.ScopeRefusal(scope));
        }

        if (ClientGrant.FirstDisallowedAudience(client, document.Consent.GrantAccessTokenAudience ?? []) is { } audience)
        {
            return FlowErrors.ToClient(Errors.InvalidRequest, ClientGrant.AudienceRefusal(audience));
        }

        var principal = GrantedPrincipal(flow, document, client);
        var authorization = await authorizations.CreateAsync(principal, flow.Subject!, application.Id!,
            document.Consent!.Remember ? AuthorizationTypes.Permanent : AuthorizationTypes.AdHoc, principal.GetScopes(), http.RequestAborted);
        principal.SetAuthorizationId(authorization.Id);

        flow.AuthorizationId = authorization.Id;
        flow.State = OAuthFlowState.ConsentUsed;
        flow.ConsentRemembered = document.Consent.Remember && !document.ConsentSkip;
        // Hydra's authorization response names the granted scopes: `scope` beside `code` and `state`.
        var properties = new AuthenticationProperties();
        properties.Parameters[Parameters.Scope] = string.Join(' ', principal.GetScopes());
        return await SaveAsync(flow, http.RequestAborted)
            ?? Results.SignIn(principal, properties, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>What the code, and the tokens exchanged for it, say: the consent's grant and the login's facts.</summary>
    private static ClaimsPrincipal GrantedPrincipal(OAuthFlow flow, FlowDocument document, HydraClient client)
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
        if (Lifespan(client.AuthorizationCodeGrantAccessTokenLifespan) is { } access)
        {
            principal.SetAccessTokenLifetime(access);
        }

        if (Lifespan(client.AuthorizationCodeGrantRefreshTokenLifespan) is { } refresh)
        {
            principal.SetRefreshTokenLifetime(refresh);
        }

        if (Lifespan(client.AuthorizationCodeGrantIdTokenLifespan) is { } idToken)
        {
            principal.SetIdentityTokenLifetime(idToken);
        }

        return principal;
    }

    private async Task RecordLoginSessionAsync(HttpContext http, OAuthFlow flow, FlowDocument document, DateTimeOffset now)
    {
        var login = document.Login!;
        var rememberFor = login.RememberFor > 0 ? TimeSpan.FromSeconds(login.RememberFor) : (TimeSpan?)null;
        var session = await db.LoginSessions.FindAsync([flow.SessionId], http.RequestAborted);
        if (document.LoginSkip)
        {
            if (login.ExtendSessionLifespan && session is not null)
            {
                session.ExpiresAt = rememberFor is { } extended ? now + extended : null;
                cookies.Write(http.Response, session.Id, rememberFor);
            }

            return;
        }

        if (session is null)
        {
            session = new LoginSession { Id = flow.SessionId, Subject = flow.Subject! };
            db.LoginSessions.Add(session);
        }

        session.Subject = flow.Subject!;
        session.AuthenticatedAt = document.AuthenticatedAt ?? now;
        session.Remember = login.Remember;
        session.ExpiresAt = rememberFor is { } lifetime ? now + lifetime : null;
        if (login.Remember)
        {
            cookies.Write(http.Response, session.Id, rememberFor);
        }
        else
        {
            cookies.Delete(http.Response);
        }
    }

    private async Task<LoginSession?> RememberedSessionAsync(HttpContext http, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (cookies.ReadSessionId(http.Request) is not { } id)
        {
            return null;
        }

        var session = await db.LoginSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        return session is { Remember: true } && (session.ExpiresAt is null || session.ExpiresAt > now) ? session : null;
    }

    /// <summary>Hydra's consent skip: a remembered, unexpired, unrevoked consent for this subject and client covering every requested scope.</summary>
    private async Task<bool> RememberedConsentCoversAsync(OAuthFlow flow, IReadOnlyList<string> requested, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var remembered = await db.OAuthFlows.AsNoTracking()
            .Where(f => f.Subject == flow.Subject && f.ClientId == flow.ClientId && f.ConsentRemembered)
            .Select(f => f.Document)
            .ToListAsync(cancellationToken);

        return remembered.Select(FlowDocument.Parse).Any(previous =>
            previous.Consent is { } consent &&
            (consent.RememberFor <= 0 || previous.ConsentHandledAt?.AddSeconds(consent.RememberFor) > now) &&
            requested.All(scope => ScopeStrategy.Allows(consent.GrantScope ?? [], scope)));
    }

    /// <summary>A flow's challenges and verifiers are good for <c>ttl.login_consent_request</c> from the authorization request.</summary>
    private bool Expired(OAuthFlow flow, DateTimeOffset now) => flow.RequestedAt + settings.FlowLifetime < now;

    /// <summary>Saves a flow step; a concurrent step on the same flow (a verifier used twice at once) loses.</summary>
    private async Task<IResult?> SaveAsync(OAuthFlow flow, CancellationToken cancellationToken)
    {
        flow.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return FlowErrors.ToClient(Errors.AccessDenied, "The verifier has already been used.");
        }
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
