using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Auth.Clients;
using Glint.Auth.OAuth2;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Glint.Auth.Flows;

/// <summary>
/// Hydra's login and consent challenge API on the admin port: what a login or consent app reads and answers.
/// The built-in app uses this same contract, so any Hydra login/consent app works in its place.
/// </summary>
public static class LoginConsentAdminApi
{
    public static IEndpointRouteBuilder MapLoginConsentAdminApi(this IEndpointRouteBuilder routes)
    {
        var requests = routes.MapGroup("/admin/oauth2/auth/requests").DisableAntiforgery();
        requests.MapGet("/login", GetLoginAsync);
        requests.MapPut("/login/accept", AcceptLoginAsync);
        requests.MapPut("/login/reject", (HttpContext http, GlintDbContext db, AuthSettings settings, TimeProvider time) => RejectAsync(http, db, settings, time, login: true));
        requests.MapGet("/consent", GetConsentAsync);
        requests.MapPut("/consent/accept", AcceptConsentAsync);
        requests.MapPut("/consent/reject", (HttpContext http, GlintDbContext db, AuthSettings settings, TimeProvider time) => RejectAsync(http, db, settings, time, login: false));
        return routes;
    }

    /// <summary>The width of the subject columns of flows and sessions.</summary>
    private const int MaxSubjectLength = 400;

    private static bool LoginUsed(OAuthFlow flow) => flow.State is >= OAuthFlowState.ConsentRequested;

    private static bool ConsentUsed(OAuthFlow flow) => flow.State is OAuthFlowState.ConsentUsed or OAuthFlowState.ConsentRejectedUsed;

    private static async Task<IResult> GetLoginAsync(HttpContext http, GlintDbContext db, ClientDirectory clients, AuthSettings settings, TimeProvider time)
    {
        var (flow, error) = await FindAsync(http, db, "login", settings, time, LoginUsed);
        if (flow is null)
        {
            return error!;
        }

        var document = FlowDocument.Parse(flow.Document);
        return Json(new JsonObject
        {
            ["challenge"] = flow.Id,
            ["requested_scope"] = Strings(document.RequestedScope),
            ["requested_access_token_audience"] = Strings(document.RequestedAudience),
            ["skip"] = document.LoginSkip,
            ["subject"] = flow.Subject ?? "",
            ["oidc_context"] = document.OidcContext.DeepClone(),
            ["client"] = await ClientNodeAsync(clients, flow, http.RequestAborted),
            ["request_url"] = document.RequestUrl,
            ["session_id"] = flow.SessionId,
        });
    }

    private static async Task<IResult> AcceptLoginAsync(HttpContext http, GlintDbContext db, AuthSettings settings, TimeProvider time)
    {
        var (flow, error) = await FindAsync(http, db, "login", settings, time, LoginUsed);
        if (flow is null)
        {
            return error!;
        }

        var (accept, bodyError) = await ReadBodyAsync<AcceptLoginRequest>(http);
        if (accept is null)
        {
            return bodyError!;
        }

        if (string.IsNullOrEmpty(accept.Subject))
        {
            return HydraError.InvalidRequest("Field 'subject' must not be empty.");
        }

        if (accept.Subject.Length > MaxSubjectLength || accept.Subject.Any(char.IsControl))
        {
            return HydraError.InvalidRequest($"Field 'subject' must be at most {MaxSubjectLength} characters long, without control characters.");
        }

        var document = FlowDocument.Parse(flow.Document);
        if (document.LoginSkip && accept.Subject != flow.Subject)
        {
            // Hydra sends a different user back through login rather than failing (the session belongs to someone else).
            return RedirectTo(SetQuery(document.RequestUrl, "prompt", "login"));
        }

        if (document.LoginSkip)
        {
            accept.Remember = true;
        }
        else
        {
            document.AuthenticatedAt = Second(time.GetUtcNow());
        }

        document.Login = accept;
        document.Rejection = null;
        flow.Subject = accept.Subject;
        return await AnswerAsync(db, flow, document, OAuthFlowState.LoginAccepted, http.RequestAborted);
    }

    private static async Task<IResult> GetConsentAsync(HttpContext http, GlintDbContext db, ClientDirectory clients, AuthSettings settings, TimeProvider time)
    {
        var (flow, error) = await FindAsync(http, db, "consent", settings, time, ConsentUsed);
        if (flow is null)
        {
            return error!;
        }

        return Json(await ConsentRequestAsync(flow, FlowDocument.Parse(flow.Document), clients, http.RequestAborted));
    }

    /// <summary>Hydra's <c>oAuth2ConsentRequest</c>; also the <c>consent_request</c> of a consent session.</summary>
    internal static async Task<JsonObject> ConsentRequestAsync(OAuthFlow flow, FlowDocument document, ClientDirectory clients, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["challenge"] = flow.ConsentChallenge,
            ["requested_scope"] = Strings(document.RequestedScope),
            ["requested_access_token_audience"] = Strings(document.RequestedAudience),
            ["skip"] = document.ConsentSkip,
            ["subject"] = flow.Subject,
            ["oidc_context"] = document.OidcContext.DeepClone(),
            ["client"] = await ClientNodeAsync(clients, flow, cancellationToken),
            ["request_url"] = document.RequestUrl,
            ["login_challenge"] = flow.Id,
            ["login_session_id"] = flow.SessionId,
            ["acr"] = document.Login?.Acr ?? "",
            ["amr"] = Strings(document.Login?.Amr ?? []),
        };
        if (document.Login?.Context is { } context && context.GetValueKind() != JsonValueKind.Null)
        {
            body["context"] = context.DeepClone();
        }

        return body;
    }

    private static async Task<IResult> AcceptConsentAsync(HttpContext http, GlintDbContext db, ClientDirectory clients, AuthSettings settings, TimeProvider time)
    {
        var (flow, error) = await FindAsync(http, db, "consent", settings, time, ConsentUsed);
        if (flow is null)
        {
            return error!;
        }

        var (accept, bodyError) = await ReadBodyAsync<AcceptConsentRequest>(http);
        if (accept is null)
        {
            return bodyError!;
        }

        var document = FlowDocument.Parse(flow.Document);
        if (WideningRefusal(accept, document, await clients.FindAsync(flow.ClientId, http.RequestAborted)) is { } refusal)
        {
            return refusal;
        }

        document.Consent = accept;
        document.ConsentHandledAt = Second(time.GetUtcNow());
        document.Rejection = null;
        if (accept.Context is not null && document.Login is not null)
        {
            document.Login.Context = accept.Context;
        }

        return await AnswerAsync(db, flow, document, OAuthFlowState.ConsentAccepted, http.RequestAborted);
    }

    /// <summary>
    /// A consent grants at most what the flow asked for, and never what the client may not hold. Hydra stores any
    /// <c>grant_scope</c> and <c>grant_access_token_audience</c> it is given and issues the code with them (its
    /// documentation only says they should be a subset of the request; fosite checks the client's scopes again only
    /// on refresh), so a consent app that passes form input through could hand out scopes the client was never
    /// registered for. Glint refuses such an answer with a 400 rather than intersecting it: silently dropping part of
    /// a grant would hide the consent app's bug, and the user would be told one thing while the token says another.
    /// Consent apps that grant from <c>requested_scope</c> (Hydra's reference app, Blink's, Glint's own) never see it.
    /// </summary>
    private static IResult? WideningRefusal(AcceptConsentRequest accept, FlowDocument document, HydraClient? client)
    {
        if ((accept.GrantScope ?? []).FirstOrDefault(scope => !document.RequestedScope.Contains(scope, StringComparer.Ordinal)) is { } unrequested)
        {
            return HydraError.Result(StatusCodes.Status400BadRequest, "invalid_scope",
                $"Field 'grant_scope' may only contain scopes of the consent request's 'requested_scope': '{unrequested}' was not requested.");
        }

        if ((accept.GrantAccessTokenAudience ?? []).FirstOrDefault(audience => !document.RequestedAudience.Contains(audience, StringComparer.Ordinal)) is { } unrequestedAudience)
        {
            return HydraError.InvalidRequest(
                $"Field 'grant_access_token_audience' may only contain audiences of the consent request's 'requested_access_token_audience': '{unrequestedAudience}' was not requested.");
        }

        if (client is null)
        {
            return null;
        }

        if (ClientGrant.FirstDisallowedScope(client, accept.GrantScope ?? []) is { } scope)
        {
            return HydraError.Result(StatusCodes.Status400BadRequest, "invalid_scope",
                $"Field 'grant_scope' may only contain scopes the OAuth 2.0 Client is registered for: the client is not allowed scope '{scope}'.");
        }

        return ClientGrant.FirstDisallowedAudience(client, accept.GrantAccessTokenAudience ?? []) is { } audience
            ? HydraError.InvalidRequest(
                $"Field 'grant_access_token_audience' may only contain audiences the OAuth 2.0 Client is registered for: the client has not registered audience '{audience}'.")
            : null;
    }

    /// <summary>Login and consent rejections are the same step: the reason is kept and the browser goes back with a verifier.</summary>
    private static async Task<IResult> RejectAsync(HttpContext http, GlintDbContext db, AuthSettings settings, TimeProvider time, bool login)
    {
        var (flow, error) = await FindAsync(http, db, login ? "login" : "consent", settings, time, login ? LoginUsed : ConsentUsed);
        if (flow is null)
        {
            return error!;
        }

        var (reject, bodyError) = await ReadBodyAsync<RejectRequest>(http);
        if (reject is null)
        {
            return bodyError!;
        }

        var document = FlowDocument.Parse(flow.Document);
        document.Rejection = reject;
        return await AnswerAsync(db, flow, document, login ? OAuthFlowState.LoginRejected : OAuthFlowState.ConsentRejected, http.RequestAborted);
    }

    /// <summary>
    /// Finds the flow a challenge names, with Hydra's answers: 400 without a challenge, 404 for an unknown one,
    /// 401 once it has expired, and 410 with the original request URL once it has been used.
    /// </summary>
    private static async Task<(OAuthFlow? Flow, IResult? Error)> FindAsync(
        HttpContext http, GlintDbContext db, string kind, AuthSettings settings, TimeProvider time, Func<OAuthFlow, bool> used)
    {
        var challenge = http.Request.Query[$"{kind}_challenge"].ToString();
        if (challenge.Length == 0)
        {
            challenge = http.Request.Query["challenge"].ToString();
        }

        if (challenge.Length == 0)
        {
            return (null, HydraError.InvalidRequest($"Query parameter '{kind}_challenge' is not defined but should have been."));
        }

        var flow = kind == "login"
            ? await db.OAuthFlows.SingleOrDefaultAsync(f => f.Id == challenge, http.RequestAborted)
            : await db.OAuthFlows.SingleOrDefaultAsync(f => f.ConsentChallenge == challenge, http.RequestAborted);
        if (flow is null)
        {
            return (null, HydraError.Result(StatusCodes.Status404NotFound, "Not Found", "Unable to locate the requested resource"));
        }

        if (used(flow))
        {
            return (null, Results.Json(new JsonObject { ["redirect_to"] = FlowDocument.Parse(flow.Document).RequestUrl }, statusCode: StatusCodes.Status410Gone));
        }

        if (flow.RequestedAt + settings.FlowLifetime < time.GetUtcNow())
        {
            return (null, HydraError.Result(StatusCodes.Status401Unauthorized, "request_unauthorized",
                $"The request could not be authorized. Check that you provided valid credentials in the right format. The {kind} request has expired, please try again."));
        }

        return (flow, null);
    }

    /// <summary>
    /// Records the login or consent app's answer and hands out a fresh verifier: the browser brings it back to the
    /// authorization endpoint, which alone acts on the answer. Only the verifier's hash is stored.
    /// </summary>
    private static async Task<IResult> AnswerAsync(GlintDbContext db, OAuthFlow flow, FlowDocument document, OAuthFlowState state, CancellationToken cancellationToken)
    {
        var verifier = FlowSecrets.New();
        var login = state is OAuthFlowState.LoginAccepted or OAuthFlowState.LoginRejected;
        if (login)
        {
            flow.LoginVerifierHash = FlowSecrets.Hash(verifier);
        }
        else
        {
            flow.ConsentVerifierHash = FlowSecrets.Hash(verifier);
        }

        flow.State = state;
        flow.Document = document.Serialize();
        return await SaveAsync(db, flow, cancellationToken)
            ?? RedirectTo(SetQuery(document.RequestUrl, login ? AuthorizationFlows.LoginVerifier : AuthorizationFlows.ConsentVerifier, verifier));
    }

    private static async Task<IResult?> SaveAsync(GlintDbContext db, OAuthFlow flow, CancellationToken cancellationToken)
    {
        flow.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return HydraError.Conflict();
        }
    }

    private static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(HttpContext http) where T : class, new()
    {
        if (http.Request.ContentLength == 0)
        {
            return (new T(), null);
        }

        return await HydraJsonBody.ReadAsync<T>(http.Request);
    }

    private static async Task<JsonNode?> ClientNodeAsync(ClientDirectory clients, OAuthFlow flow, CancellationToken cancellationToken) =>
        await clients.FindAsync(flow.ClientId, cancellationToken) is { } client ? ClientRecord.ToNode(client) : null;

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(value => JsonValue.Create(value))];

    /// <summary>
    /// <paramref name="url"/> with the query parameter <paramref name="name"/> set to <paramref name="value"/>, replacing
    /// any value it had, as Hydra does: appending would send the parameter twice (a <c>prompt=consent</c> request
    /// sent back through login would keep its skip, and loop).
    /// </summary>
    internal static string SetQuery(string url, string name, string value)
    {
        var uri = new Uri(url);
        var kept = QueryHelpers.ParseQuery(uri.Query)
            .Where(pair => pair.Key != name)
            .SelectMany(pair => pair.Value.Select(item => new KeyValuePair<string, string?>(pair.Key, item)));
        return QueryHelpers.AddQueryString(uri.GetLeftPart(UriPartial.Path), kept.Append(new KeyValuePair<string, string?>(name, value)));
    }

    private static IResult RedirectTo(string url) => Json(new JsonObject { ["redirect_to"] = url });

    private static IResult Json(JsonObject body) => Results.Json(body, HydraJson.Options, "application/json; charset=utf-8");

    private static DateTimeOffset Second(DateTimeOffset value) => new(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
