using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Auth.Audit;
using Glint.Auth.Clients;
using Glint.Auth.FlowStorage;
using Glint.Auth.OAuth2;
using Glint.Data.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

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
        requests.MapMethods("/login", GetAndHead.Methods, GetLoginAsync);
        requests.MapPut("/login/accept", AcceptLoginAsync);
        requests.MapPut("/login/reject", (HttpContext http, FlowStore store, FlowSealer sealer, AuthSettings settings, TimeProvider time) =>
            RejectAsync(http, store, sealer, settings, time, login: true));
        requests.MapMethods("/consent", GetAndHead.Methods, GetConsentAsync);
        requests.MapPut("/consent/accept", AcceptConsentAsync);
        requests.MapPut("/consent/reject", (HttpContext http, FlowStore store, FlowSealer sealer, AuthSettings settings, TimeProvider time) =>
            RejectAsync(http, store, sealer, settings, time, login: false));
        return routes;
    }

    /// <summary>The width of the subject columns of flows and sessions.</summary>
    private const int MaxSubjectLength = 400;

    private static async Task<IResult> GetLoginAsync(HttpContext http, FlowStore store, FlowSealer sealer, ClientManager clients, AuthSettings settings, TimeProvider time)
    {
        var (challenge, flow, error) = await FindAsync(http, store, sealer, FlowPurpose.LoginChallenge, settings, time);
        if (flow is null)
        {
            return error!;
        }

        var document = flow.Document;
        return Json(new JsonObject
        {
            ["challenge"] = challenge,
            ["requested_scope"] = Strings(document.RequestedScope),
            ["requested_access_token_audience"] = Strings(document.RequestedAudience),
            ["skip"] = document.LoginSkip,
            ["subject"] = flow.Subject ?? "",
            ["oidc_context"] = document.OidcContext.DeepClone(),
            ["client"] = await ClientNodeAsync(clients, flow.ClientId, http.RequestAborted),
            ["request_url"] = document.RequestUrl,
            ["session_id"] = flow.SessionId,
        });
    }

    private static async Task<IResult> AcceptLoginAsync(HttpContext http, FlowStore store, FlowSealer sealer, AuthSettings settings, TimeProvider time)
    {
        const FlowPurpose purpose = FlowPurpose.LoginChallenge;
        var (challenge, flow, error) = await FindAsync(http, store, sealer, purpose, settings, time, usedCheckedByAnswer: true);
        if (flow is null)
        {
            return error!;
        }

        var (accept, bodyError) = await ReadBodyAsync<AcceptLoginRequest>(http);
        if (accept is null)
        {
            return await UsedOrAsync(http, store, flow, purpose, bodyError!);
        }

        if (string.IsNullOrEmpty(accept.Subject))
        {
            return await UsedOrAsync(http, store, flow, purpose, HydraError.InvalidRequest("Field 'subject' must not be empty."));
        }

        if (accept.Subject.Length > MaxSubjectLength || accept.Subject.Any(char.IsControl))
        {
            return await UsedOrAsync(http, store, flow, purpose,
                HydraError.InvalidRequest($"Field 'subject' must be at most {MaxSubjectLength} characters long, without control characters."));
        }

        if ((RememberPeriod.Refusal("remember_for", accept.RememberFor) ?? HydraJsonBody.FreeFormTooDeep("context", accept.Context)) is { } refusal)
        {
            return await UsedOrAsync(http, store, flow, purpose, HydraError.InvalidRequest(refusal));
        }

        var document = flow.Document;
        if (document.LoginSkip && accept.Subject != flow.Subject)
        {
            // Hydra sends a different user back through login rather than failing (the session belongs to someone else).
            return await UsedOrAsync(http, store, flow, purpose, RedirectTo(SetQuery(document.RequestUrl, "prompt", "login")));
        }

        if (document.LoginSkip)
        {
            accept.Remember = true;
        }

        flow.AcceptLogin(challenge, accept, document.LoginSkip ? null : Second(time.GetUtcNow()));
        return await AnswerAsync(http, store, sealer, flow, FlowPurpose.LoginVerifier, AuthorizationFlows.LoginVerifier, null, null);
    }

    private static async Task<IResult> GetConsentAsync(HttpContext http, FlowStore store, FlowSealer sealer, ClientManager clients, AuthSettings settings, TimeProvider time)
    {
        var (challenge, flow, error) = await FindAsync(http, store, sealer, FlowPurpose.ConsentChallenge, settings, time);
        if (flow is null)
        {
            return error!;
        }

        var client = await ClientNodeAsync(clients, flow.ClientId, http.RequestAborted);
        return Json(ConsentRequest(challenge, flow.LoginChallenge ?? flow.Id, flow.Subject, flow.SessionId, flow.Document, client));
    }

    /// <summary>Hydra's <c>oAuth2ConsentRequest</c>; also the <c>consent_request</c> of a consent session.</summary>
    internal static JsonObject ConsentRequest(string challenge, string loginChallenge, string? subject, string sessionId, FlowDocument document, JsonNode? client)
    {
        var body = new JsonObject
        {
            ["challenge"] = challenge,
            ["requested_scope"] = Strings(document.RequestedScope),
            ["requested_access_token_audience"] = Strings(document.RequestedAudience),
            ["skip"] = document.ConsentSkip,
            ["subject"] = subject,
            ["oidc_context"] = document.OidcContext.DeepClone(),
            ["client"] = client,
            ["request_url"] = document.RequestUrl,
            ["login_challenge"] = loginChallenge,
            ["login_session_id"] = sessionId,
            ["acr"] = document.Login?.Acr ?? "",
            ["amr"] = Strings(document.Login?.Amr ?? []),
        };
        if (document.Login?.Context is { } context && context.GetValueKind() != JsonValueKind.Null)
        {
            body["context"] = context.DeepClone();
        }

        return body;
    }

    private static async Task<IResult> AcceptConsentAsync(HttpContext http, FlowStore store, FlowSealer sealer, ClientManager clients, AuthSettings settings, TimeProvider time)
    {
        const FlowPurpose purpose = FlowPurpose.ConsentChallenge;
        var (_, flow, error) = await FindAsync(http, store, sealer, purpose, settings, time, usedCheckedByAnswer: true);
        if (flow is null)
        {
            return error!;
        }

        var (accept, bodyError) = await ReadBodyAsync<AcceptConsentRequest>(http);
        if (accept is null)
        {
            return await UsedOrAsync(http, store, flow, purpose, bodyError!);
        }

        if ((RememberPeriod.Refusal("remember_for", accept.RememberFor)
            ?? HydraJsonBody.FreeFormTooDeep("context", accept.Context)
            ?? HydraJsonBody.FreeFormTooDeep("session.access_token", accept.Session?.AccessToken)
            ?? HydraJsonBody.FreeFormTooDeep("session.id_token", accept.Session?.IdToken)) is { } invalid)
        {
            return await UsedOrAsync(http, store, flow, purpose, HydraError.InvalidRequest(invalid));
        }

        if (WideningRefusal(accept, flow.Document, await clients.FindMetadataAsync(flow.ClientId, http.RequestAborted)) is { } refusal)
        {
            return await UsedOrAsync(http, store, flow, purpose, refusal);
        }

        flow.AcceptConsent(accept, Second(time.GetUtcNow()));
        var granted = new AuditRecord(AuditActions.ConsentGranted, AuditActors.Subject)
        {
            Subject = flow.Subject,
            ClientId = flow.ClientId,
            Target = string.Join(' ', accept.GrantScope ?? []),
            PerFlow = true,
        };
        return await AnswerAsync(http, store, sealer, flow, FlowPurpose.ConsentVerifier, AuthorizationFlows.ConsentVerifier, granted,
            static () => AuthTelemetry.ConsentDecisions.Add(1, AuthTelemetry.Accepted));
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
    private static IResult? WideningRefusal(AcceptConsentRequest accept, FlowDocument document, ClientMetadata? client)
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

    /// <summary>Login and consent rejections are the same step: the reason travels back with a verifier.</summary>
    private static async Task<IResult> RejectAsync(HttpContext http, FlowStore store, FlowSealer sealer, AuthSettings settings, TimeProvider time, bool login)
    {
        var (challenge, flow, error) = await FindAsync(http, store, sealer, login ? FlowPurpose.LoginChallenge : FlowPurpose.ConsentChallenge, settings, time);
        if (flow is null)
        {
            return error!;
        }

        var (reject, bodyError) = await ReadBodyAsync<RejectRequest>(http);
        if (reject is null)
        {
            return bodyError!;
        }

        if (login)
        {
            flow.RejectLogin(challenge, reject);
            return Answer(sealer, flow, FlowPurpose.LoginVerifier, AuthorizationFlows.LoginVerifier);
        }

        flow.RejectConsent(reject);
        AuthTelemetry.ConsentDecisions.Add(1, AuthTelemetry.Rejected);
        return Answer(sealer, flow, FlowPurpose.ConsentVerifier, AuthorizationFlows.ConsentVerifier);
    }

    /// <summary>
    /// Opens the flow a challenge carries, with Hydra's answers: 400 without a challenge, 404 for one this server did
    /// not seal (unknown, tampered, another secret's), 401 once it has expired, and 410 with the original request URL
    /// once its verifier has been redeemed (which comes before the 401). With <paramref name="usedCheckedByAnswer"/>, the
    /// caller checks for a used challenge itself, with its answer's audit row when it accepts (<see cref="AnswerAsync"/>)
    /// or before any other error (<see cref="UsedOrAsync"/>), and only an expired challenge is checked for it here.
    /// </summary>
    private static async Task<(string Challenge, Flow? Flow, IResult? Error)> FindAsync(
        HttpContext http, FlowStore store, FlowSealer sealer, FlowPurpose purpose, AuthSettings settings, TimeProvider time, bool usedCheckedByAnswer = false)
    {
        var kind = purpose == FlowPurpose.LoginChallenge ? "login" : "consent";
        var challenge = http.Request.Query[$"{kind}_challenge"].ToString();
        if (challenge.Length == 0)
        {
            challenge = http.Request.Query["challenge"].ToString();
        }

        if (challenge.Length == 0)
        {
            return (challenge, null, HydraError.InvalidRequest($"Query parameter '{kind}_challenge' is not defined but should have been."));
        }

        if (sealer.Unseal(challenge, purpose) is not { } flow)
        {
            return (challenge, null, HydraError.Result(StatusCodes.Status404NotFound, "Not Found", "Unable to locate the requested resource"));
        }

        var expired = flow.Expired(settings.FlowLifetime, time.GetUtcNow());
        if ((!usedCheckedByAnswer || expired) && await UsedAsync(http, store, flow, purpose))
        {
            return (challenge, null, Gone(flow));
        }

        if (expired)
        {
            return (challenge, null, HydraError.Result(StatusCodes.Status401Unauthorized, "request_unauthorized",
                $"The request could not be authorized. Check that you provided valid credentials in the right format. The {kind} request has expired, please try again."));
        }

        return (challenge, flow, null);
    }

    /// <summary>Whether the challenge's verifier has been redeemed, read from the flow's redemption.</summary>
    private static async Task<bool> UsedAsync(HttpContext http, FlowStore store, Flow flow, FlowPurpose purpose)
    {
        var redemption = await store.RedemptionAsync(flow.Id, http.RequestAborted);
        return purpose == FlowPurpose.LoginChallenge ? Flow.LoginUsed(redemption) : Flow.ConsentUsed(redemption);
    }

    /// <summary>
    /// <paramref name="answer"/>, unless the challenge is used: a used challenge's 410 comes before any other answer, as
    /// when the challenge is opened (<see cref="FindAsync"/>). For the answers that are not the accept's own.
    /// </summary>
    private static async Task<IResult> UsedOrAsync(HttpContext http, FlowStore store, Flow flow, FlowPurpose purpose, IResult answer) =>
        await UsedAsync(http, store, flow, purpose) ? Gone(flow) : answer;

    /// <summary>Hydra's answer for a used challenge: 410 with the original request URL.</summary>
    private static IResult Gone(Flow flow) =>
        Results.Json(new JsonObject { ["redirect_to"] = flow.Document.RequestUrl }, statusCode: StatusCodes.Status410Gone);

    /// <summary>
    /// An accepted login or consent, sealed into a verifier (<see cref="Answer"/>), once its audit row is stored; the
    /// row is stored only while the challenge is unused, so the check for a used challenge (Hydra's 410) costs no read
    /// of its own (<see cref="FlowStore.AuditUnlessUsedAsync"/>). <paramref name="answered"/> runs unless the answer is
    /// that 410. Should the audit row fail to be written (logged), the challenge is checked by a read. A null
    /// <paramref name="record"/> is the route's own audit event.
    /// </summary>
    private static async Task<IResult> AnswerAsync(
        HttpContext http, FlowStore store, FlowSealer sealer, Flow flow, FlowPurpose purpose, string parameter, AuditRecord? record, Action? answered)
    {
        var challenge = purpose == FlowPurpose.LoginVerifier ? FlowPurpose.LoginChallenge : FlowPurpose.ConsentChallenge;
        var verifier = sealer.Seal(flow, purpose);
        bool used;
        if (verifier is null)
        {
            used = await UsedAsync(http, store, flow, challenge);
        }
        else
        {
            var usedStates = challenge == FlowPurpose.LoginChallenge ? null : Flow.ConsentUsedStates;
            var recorded = await AdminCallAudit.RecordNowAsync(http, record, row => store.AuditUnlessUsedAsync(row, flow.Id, usedStates, http.RequestAborted));
            used = recorded is { } stored ? !stored : await UsedAsync(http, store, flow, challenge);
        }

        if (used)
        {
            return Gone(flow);
        }

        answered?.Invoke();
        return verifier is null ? TooLargeAnswer : RedirectTo(SetQuery(flow.Document.RequestUrl, parameter, verifier));
    }

    /// <summary>
    /// Seals the login or consent app's answer into a verifier: the browser brings it back to the authorization
    /// endpoint, which alone acts on the answer. Nothing is stored until then.
    /// </summary>
    private static IResult Answer(FlowSealer sealer, Flow flow, FlowPurpose purpose, string parameter) =>
        sealer.Seal(flow, purpose) is { } verifier ? RedirectTo(SetQuery(flow.Document.RequestUrl, parameter, verifier)) : TooLargeAnswer;

    private static IResult TooLargeAnswer => HydraError.InvalidRequest(
        $"The answer is too large to carry back through the browser: the request with its answer must seal to at most {FlowSealer.MaxLength} characters. Send a smaller 'context' or 'session'.");

    private static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(HttpContext http) where T : class, new()
    {
        if (http.Request.ContentLength == 0)
        {
            return (new T(), null);
        }

        return await HydraJsonBody.ReadAsync<T>(http.Request);
    }

    internal static async Task<JsonNode?> ClientNodeAsync(ClientManager clients, string clientId, CancellationToken cancellationToken) =>
        await clients.FindMetadataAsync(clientId, cancellationToken) is { } client ? client.ToNode() : null;

    internal static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(value => JsonValue.Create(value))];

    /// <summary>
    /// <paramref name="url"/> with the query parameter <paramref name="name"/> set to <paramref name="value"/>, replacing
    /// any value it had, as Hydra does: appending would send the parameter twice (a <c>prompt=consent</c> request
    /// sent back through login would keep its skip, and loop).
    /// </summary>
    /// <remarks>
    /// When no parameter of the query is <paramref name="name"/> (every login and consent answer, whose request URL is
    /// the client's authorization request), the pair is appended to the URL as it is: parsing and encoding the whole
    /// query again showed in the code flow's profile, and its pairs mean the same either way.
    /// </remarks>
    internal static string SetQuery(string url, string name, string value)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0 && url.IndexOf('#', query) < 0 && !NamesParameter(url.AsSpan(query + 1), name))
        {
            var separator = query == url.Length - 1 || url[^1] == '&' ? "" : "&";
            return string.Concat(url, separator, Uri.EscapeDataString(name), "=", Uri.EscapeDataString(value));
        }

        var uri = new Uri(url);
        var kept = QueryHelpers.ParseQuery(uri.Query)
            .Where(pair => pair.Key != name)
            .SelectMany(pair => pair.Value.Select(item => new KeyValuePair<string, string?>(pair.Key, item)));
        return QueryHelpers.AddQueryString(uri.GetLeftPart(UriPartial.Path), kept.Append(new KeyValuePair<string, string?>(name, value)));
    }

    /// <summary>Whether a pair of <paramref name="query"/> has the key <paramref name="name"/>, once decoded as a query is.</summary>
    private static bool NamesParameter(ReadOnlySpan<char> query, string name)
    {
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair[..equals];
            if (key.ContainsAny('%', '+')
                ? Uri.UnescapeDataString(key.ToString().Replace('+', ' ')) == name
                : key.SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    private static IResult RedirectTo(string url) => Json(new JsonObject { ["redirect_to"] = url });

    private static IResult Json(JsonObject body) => Results.Json(body, HydraJson.Options, "application/json; charset=utf-8");

    private static DateTimeOffset Second(DateTimeOffset value) => new(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
