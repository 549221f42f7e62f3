using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Auth.Clients;
using Glint.Auth.Flows;
using Glint.Auth.FlowStorage;
using Glint.Data;
using Glint.Data.OAuth;
using Glint.Data.Secrets;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;

namespace Glint.Auth.Sessions;

/// <summary>
/// RP-initiated logout as Hydra runs it: <c>/oauth2/sessions/logout</c> sends the browser to the logout app with a
/// logout challenge; the app accepts or rejects on the admin port; the accepted request comes back with a logout
/// verifier, and the login session ends. OpenIddict validates <c>id_token_hint</c> and <c>post_logout_redirect_uri</c>
/// against the client, and performs the final redirect with <c>state</c>.
/// </summary>
public static class LogoutApi
{
    public const string Path = "/oauth2/sessions/logout";
    public const string FallbackPath = "/oauth2/fallbacks/logout/callback";
    private const string Verifier = "logout_verifier";

    public static IEndpointRouteBuilder MapLogoutApi(this IEndpointRouteBuilder routes)
    {
        // Not HEAD: a GET here runs a logout (see GetAndHead).
        routes.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], LogoutAsync).DisableAntiforgery();
        routes.MapMethods(FallbackPath, GetAndHead.Methods, () => Results.Content(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Signed out</title></head><body><p>You have been signed out.</p></body></html>",
            "text/html; charset=utf-8"));
        return routes;
    }

    public static IEndpointRouteBuilder MapLogoutAdminApi(this IEndpointRouteBuilder routes)
    {
        var logout = routes.MapGroup("/admin/oauth2/auth/requests/logout").DisableAntiforgery();
        logout.MapMethods("", GetAndHead.Methods, GetAsync);
        logout.MapPut("/accept", AcceptAsync);
        logout.MapPut("/reject", RejectAsync);
        return routes;
    }

    private static async Task<IResult> LogoutAsync(
        HttpContext http, GlintDbContext db, FlowStore flows, LoginSessionCookie cookies, LogoutNotifications notifications, AuthSettings settings, TimeProvider time)
    {
        if (http.GetOpenIddictServerResponse() is { Error: { Length: > 0 } error } response)
        {
            return ErrorPage.Render(error, response.ErrorDescription);
        }

        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");

        if ((string?)request[Verifier] is { Length: > 0 } verifier)
        {
            var hash = FlowSecrets.Hash(verifier);
            var logout = await db.LogoutRequests.SingleOrDefaultAsync(r => r.VerifierHash == hash, http.RequestAborted);
            if (logout is null || logout.State != LogoutRequestState.Accepted)
            {
                return Results.BadRequest(new { error = "invalid_request", error_description = "The logout verifier has already been used, has not been granted, or is invalid." });
            }

            logout.State = LogoutRequestState.Used;
            logout.Version = Guid.NewGuid();
            await flows.EndSessionsAsync(subject: "", sid: logout.SessionId, http.RequestAborted);
            await db.SaveChangesAsync(http.RequestAborted);
            cookies.Delete(http.Response);
            var frontChannel = await notifications.NotifyAsync(logout.SessionId, logout.Subject, http.RequestAborted);
            return frontChannel.Count == 0 ? SignOut(request, settings) : FrontChannelPage.Render(frontChannel, Destination(request, settings));
        }

        var session = cookies.ReadSessionId(http.Request) is { } id
            ? await flows.SessionAsync(id, http.RequestAborted)
            : null;
        if (session is null)
        {
            // Nobody is signed in here: nothing to end, so straight back to where the client asked.
            return SignOut(request, settings);
        }

        var hinted = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var challenge = new LogoutRequest
        {
            Id = FlowSecrets.New(),
            Subject = session.Subject,
            SessionId = session.Id,
            ClientId = request.ClientId ?? hinted.Principal?.GetAudiences().FirstOrDefault(),
            RequestUrl = RequestUrls.Of(http, settings, Path),
            RpInitiated = !string.IsNullOrEmpty(request.IdTokenHint) || !string.IsNullOrEmpty(request.ClientId),
            State = LogoutRequestState.Requested,
            RequestedAt = time.GetUtcNow(),
            Version = Guid.NewGuid(),
        };
        db.LogoutRequests.Add(challenge);
        await db.SaveChangesAsync(http.RequestAborted);
        return Results.Redirect(QueryHelpers.AddQueryString(settings.EffectiveLogoutUrl.AbsoluteUri, "logout_challenge", challenge.Id));
    }

    /// <summary>Where the browser ends: the client's validated post-logout URI with its state, or Glint's signed-out page.</summary>
    private static string Destination(OpenIddictRequest request, AuthSettings settings) =>
        string.IsNullOrEmpty(request.PostLogoutRedirectUri)
            ? new Uri(settings.PublicBase, FallbackPath.TrimStart('/')).AbsoluteUri
            : string.IsNullOrEmpty(request.State) ? request.PostLogoutRedirectUri : QueryHelpers.AddQueryString(request.PostLogoutRedirectUri, "state", request.State);

    private static IResult SignOut(OpenIddictRequest request, AuthSettings settings) =>
        string.IsNullOrEmpty(request.PostLogoutRedirectUri)
            ? Results.Redirect(new Uri(settings.PublicBase, FallbackPath.TrimStart('/')).AbsoluteUri)
            : Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static async Task<IResult> GetAsync(HttpContext http, GlintDbContext db, ClientManager clients, AuthSettings settings, TimeProvider time)
    {
        var (logout, error) = await FindAsync(http, db, settings, time);
        if (logout is null)
        {
            return error!;
        }

        var client = logout.ClientId is null ? null : await clients.FindMetadataAsync(logout.ClientId, http.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["challenge"] = logout.Id,
            ["subject"] = logout.Subject,
            ["sid"] = logout.SessionId,
            ["request_url"] = logout.RequestUrl,
            ["rp_initiated"] = logout.RpInitiated,
            ["client"] = client is null ? null : client.ToNode(),
        }, HydraJson.Options, "application/json; charset=utf-8");
    }

    private static async Task<IResult> AcceptAsync(HttpContext http, GlintDbContext db, AuthSettings settings, TimeProvider time, SystemSecret secret)
    {
        var (logout, error) = await FindAsync(http, db, settings, time);
        if (logout is null)
        {
            return error!;
        }

        // One verifier per challenge, as Hydra keeps: a logout app that accepts again (a retry, a second tab) gets the
        // same redirect_to, and the browser already sent on its way still ends the session. Derived, not stored: only
        // its hash is kept, and it cannot be guessed without the system secret.
        var verifier = Base64Url.EncodeToString(HMACSHA256.HashData(secret.DeriveKey("logout-verifier"), Encoding.UTF8.GetBytes(logout.Id)));
        logout.State = LogoutRequestState.Accepted;
        logout.VerifierHash = FlowSecrets.Hash(verifier);
        logout.Version = Guid.NewGuid();
        await db.SaveChangesAsync(http.RequestAborted);
        // The original request (id_token_hint, post_logout_redirect_uri, state) rides along, so OpenIddict validates
        // it again and ends at the client's page; consumers only follow redirect_to.
        return Results.Json(new JsonObject { ["redirect_to"] = QueryHelpers.AddQueryString(logout.RequestUrl, Verifier, verifier) },
            HydraJson.Options, "application/json; charset=utf-8");
    }

    private static async Task<IResult> RejectAsync(HttpContext http, GlintDbContext db, AuthSettings settings, TimeProvider time)
    {
        var (logout, error) = await FindAsync(http, db, settings, time);
        if (logout is null)
        {
            return error!;
        }

        logout.State = LogoutRequestState.Rejected;
        logout.Version = Guid.NewGuid();
        await db.SaveChangesAsync(http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<(LogoutRequest? Request, IResult? Error)> FindAsync(HttpContext http, GlintDbContext db, AuthSettings settings, TimeProvider time)
    {
        var challenge = http.Request.Query["logout_challenge"].ToString();
        if (challenge.Length == 0)
        {
            challenge = http.Request.Query["challenge"].ToString();
        }

        if (challenge.Length == 0)
        {
            return (null, HydraError.InvalidRequest("Query parameter 'logout_challenge' is not defined but should have been."));
        }

        var logout = await db.LogoutRequests.SingleOrDefaultAsync(r => r.Id == challenge, http.RequestAborted);
        if (logout is null)
        {
            return (null, HydraError.Result(StatusCodes.Status404NotFound, "Not Found", "Unable to locate the requested resource"));
        }

        if (logout.State is LogoutRequestState.Used or LogoutRequestState.Rejected)
        {
            return (null, Results.Json(new JsonObject { ["redirect_to"] = logout.RequestUrl }, statusCode: StatusCodes.Status410Gone));
        }

        if (logout.RequestedAt + settings.FlowLifetime < time.GetUtcNow())
        {
            return (null, HydraError.Result(StatusCodes.Status401Unauthorized, "request_unauthorized",
                "The request could not be authorized. Check that you provided valid credentials in the right format. The logout request has expired, please try again."));
        }

        return (logout, null);
    }
}
