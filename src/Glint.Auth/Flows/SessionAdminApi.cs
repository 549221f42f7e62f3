using System.Globalization;
using System.Text.Json.Nodes;
using Glint.Auth.Clients;
using Glint.Auth.FlowStorage;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Core;

namespace Glint.Auth.Flows;

/// <summary>
/// Hydra's session admin API: list and revoke a user's consents (revoking their tokens), end login sessions, and
/// revoke every access token of a client.
/// </summary>
public static class SessionAdminApi
{
    public static IEndpointRouteBuilder MapSessionAdminApi(this IEndpointRouteBuilder routes)
    {
        var sessions = routes.MapGroup("/admin/oauth2/auth/sessions").DisableAntiforgery();
        sessions.MapMethods("/consent", GetAndHead.Methods, ListConsentsAsync);
        sessions.MapDelete("/consent", RevokeConsentsAsync);
        sessions.MapDelete("/login", EndLoginSessionsAsync);
        routes.MapDelete("/admin/oauth2/tokens", RevokeClientTokensAsync).DisableAntiforgery();
        return routes;
    }

    /// <summary>A subject's consent sessions, paged as Hydra v2.2.0 pages them: as <c>GET /admin/clients</c> is.</summary>
    private static async Task<IResult> ListConsentsAsync(HttpContext http, FlowStore store, ClientManager clients)
    {
        var query = http.Request.Query;
        var subject = query["subject"].ToString();
        if (subject.Length == 0)
        {
            return HydraError.InvalidRequest("Query parameter 'subject' is not defined but should have been.");
        }

        var pageSize = ClientListApi.PageSize(query);
        if (!ClientListApi.TryReadOffset(query["page_token"].ToString(), out var offset))
        {
            return HydraError.Malformed("The page_token is not a valid pagination token.");
        }

        var sessionId = query["login_session_id"].ToString();
        var flows = await store.GivenConsentsAsync(subject, sessionId.Length == 0 ? null : sessionId, clientId: null, http.RequestAborted);
        var given = flows
            .Select(flow => (Flow: flow, Document: FlowDocument.Parse(flow.Document)))
            .Where(pair => !pair.Document.ConsentSkip && pair.Document.Consent is not null)
            .ToList();

        var sessions = new JsonArray();
        foreach (var (flow, document) in given.Skip(offset).Take(pageSize))
        {
            var consent = document.Consent!;
            var session = new JsonObject
            {
                ["grant_scope"] = new JsonArray([.. (consent.GrantScope ?? []).Select(value => JsonValue.Create(value))]),
                ["grant_access_token_audience"] = new JsonArray([.. (consent.GrantAccessTokenAudience ?? []).Select(value => JsonValue.Create(value))]),
                ["session"] = new JsonObject
                {
                    ["access_token"] = consent.Session?.AccessToken?.DeepClone() ?? new JsonObject(),
                    ["id_token"] = consent.Session?.IdToken?.DeepClone() ?? new JsonObject(),
                },
                ["remember"] = consent.Remember,
                ["remember_for"] = consent.RememberFor,
                ["handled_at"] = document.ConsentHandledAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                // A given consent keeps its flow's id, not the sealed challenges it went through.
                ["consent_request"] = LoginConsentAdminApi.ConsentRequest(flow.Id, flow.Id, flow.Subject, flow.SessionId, document,
                    await LoginConsentAdminApi.ClientNodeAsync(clients, flow.ClientId, http.RequestAborted)),
            };
            if (document.Login?.Context is { } context)
            {
                session["context"] = context.DeepClone();
            }

            sessions.Add(session);
        }

        http.Response.Headers["X-Total-Count"] = given.Count.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.Link = ClientListApi.LinkHeader(http.Request, pageSize, offset, given.Count);
        return Results.Json(sessions, HydraJson.Options, "application/json; charset=utf-8");
    }

    private static async Task<IResult> RevokeConsentsAsync(
        HttpContext http, FlowStore store,
        OpenIddictAuthorizationManager<OAuthAuthorization> authorizations, OpenIddictTokenManager<OAuthToken> tokens)
    {
        var query = http.Request.Query;
        var subject = query["subject"].ToString();
        var client = query["client"].ToString();
        var all = query["all"].ToString() == "true";
        if (subject.Length == 0)
        {
            return HydraError.InvalidRequest("Query parameter 'subject' is not defined but should have been.");
        }

        if (client.Length == 0 && !all)
        {
            return HydraError.InvalidRequest("Query parameter both 'client' and 'all' is not defined but one of them should have been.");
        }

        // As Hydra: a named client wins over all=true.
        var flows = await store.GivenConsentsAsync(subject, sessionId: null, client.Length > 0 ? client : null, http.RequestAborted);
        foreach (var flow in flows)
        {
            // Revoking the authorization is what stops its tokens everywhere: OpenIddict checks it on every use.
            if (await authorizations.FindByIdAsync(flow.AuthorizationId!, http.RequestAborted) is { } authorization)
            {
                await authorizations.TryRevokeAsync(authorization, http.RequestAborted);
            }

            await tokens.RevokeByAuthorizationIdAsync(flow.AuthorizationId!, http.RequestAborted);
        }

        await store.ForgetConsentsAsync([.. flows.Select(flow => flow.Id)], http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> EndLoginSessionsAsync(HttpContext http, FlowStore store)
    {
        var subject = http.Request.Query["subject"].ToString();
        var sid = http.Request.Query["sid"].ToString();
        if (subject.Length == 0 && sid.Length == 0)
        {
            return HydraError.InvalidRequest("Either 'subject' or 'sid' query parameters need to be defined.");
        }

        await store.EndSessionsAsync(subject, sid, http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> RevokeClientTokensAsync(
        HttpContext http, OpenIddictApplicationManager<Client> applications, OpenIddictTokenManager<OAuthToken> tokens)
    {
        var clientId = http.Request.Query["client_id"].ToString();
        if (clientId.Length == 0)
        {
            return HydraError.InvalidRequest("Query parameter 'client_id' is not defined but should have been.");
        }

        if (await applications.FindByClientIdAsync(clientId, http.RequestAborted) is { Id: { } applicationId })
        {
            await foreach (var token in tokens.FindByApplicationIdAsync(applicationId, http.RequestAborted))
            {
                if (token.Type == OpenIddict.Abstractions.OpenIddictConstants.TokenTypeIdentifiers.AccessToken)
                {
                    await tokens.TryRevokeAsync(token, http.RequestAborted);
                }
            }
        }

        return Results.NoContent();
    }
}
