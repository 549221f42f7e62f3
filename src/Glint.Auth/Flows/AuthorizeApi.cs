using Glint.Auth.OAuth2;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Server.AspNetCore;

namespace Glint.Auth.Flows;

/// <summary><c>GET|POST /oauth2/auth</c>, after OpenIddict has validated the request: one of the flow's three legs.</summary>
public static class AuthorizeApi
{
    public const string Path = "/oauth2/auth";

    public static IEndpointRouteBuilder MapAuthorizeApi(this IEndpointRouteBuilder routes)
    {
        // Not HEAD: a GET here runs an authorization (see GetAndHead).
        routes.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
        return routes;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, AuthorizationFlows flows)
    {
        if (http.GetOpenIddictServerResponse() is { Error: { Length: > 0 } error } response)
        {
            // OpenIddict could not validate the client or its redirect URI, so the error stays here.
            return ErrorPage.Render(error, response.ErrorDescription);
        }

        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");

        if ((string?)request[AuthorizationFlows.ConsentVerifier] is { Length: > 0 } consentVerifier)
        {
            return await flows.FinishConsentAsync(http, request, consentVerifier);
        }

        if ((string?)request[AuthorizationFlows.LoginVerifier] is { Length: > 0 } loginVerifier)
        {
            var redirectUri = GlintServerHandlers.Authorization.ValidatedRedirectUri(http.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction)
                ?? request.RedirectUri;
            return await flows.FinishLoginAsync(http, request, redirectUri, loginVerifier);
        }

        return await flows.StartAsync(http, request);
    }
}
