using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Auth.FlowStorage;
using Glint.Auth.OAuth2.Dpop;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// <c>GET|POST /userinfo</c>. Like Hydra, it answers any valid access token, with or without the <c>openid</c>
/// scope: Blink's next-auth apps ask for <c>read write</c> only and take the user's id from here.
/// </summary>
public static class UserinfoApi
{
    public const string Path = "/userinfo";

    public static IEndpointRouteBuilder MapUserinfoApi(this IEndpointRouteBuilder routes)
    {
        // Not HEAD: a GET here is OpenIddict's, which refuses any other method (see GetAndHead).
        routes.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], UserinfoAsync).DisableAntiforgery();
        return routes;
    }

    private static async Task<IResult> UserinfoAsync(HttpContext http, FlowStore flows, AuthSettings settings, DpopResourceProofs dpop)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var boundTo = GlintServerHandlers.Dpop.ThumbprintOf(principal);
        var sentAsDpop = DpopResourceProofs.DpopToken(http.Request.Headers.Authorization.ToString()) is not null;
        if ((boundTo is not null || sentAsDpop) &&
            await dpop.CheckAsync(http.Request, http.GetOpenIddictServerRequest()?.AccessToken ?? "", boundTo, sentAsDpop) is { } refusal)
        {
            // RFC 9449 §7.1: a DPoP challenge, and the error as JSON, as every refusal here has it.
            dpop.Challenge(http.Response, refusal);
            return OAuthErrors.Json(StatusCodes.Status401Unauthorized, refusal.Error, refusal.Description);
        }

        var clientId = principal.GetClaim(Claims.ClientId) ?? principal.GetPresenters().FirstOrDefault();
        var claims = new JsonObject
        {
            [Claims.Subject] = principal.GetClaim(Claims.Subject),
            [Claims.Issuer] = settings.IssuerIdentifier,
            [Claims.Audience] = new JsonArray(JsonValue.Create(clientId)),
        };

        // The consent's session.id_token claims belong in userinfo too; they live with the flow, not in the access token.
        if (principal.GetAuthorizationId() is { } authorizationId)
        {
            var flow = await flows.ConsentOfAuthorizationAsync(authorizationId, http.RequestAborted);
            if (flow is not null)
            {
                var document = FlowDocument.Parse(flow.Document);
                claims[Claims.AuthenticationTime] = (document.AuthenticatedAt ?? flow.RequestedAt).ToUnixTimeSeconds();
                claims["rat"] = flow.RequestedAt.ToUnixTimeSeconds();
                if (!string.IsNullOrEmpty(document.Login?.Acr))
                {
                    claims[Claims.AuthenticationContextReference] = document.Login.Acr;
                }

                if (document.Login?.Amr is { Count: > 0 } amr)
                {
                    claims[Claims.AuthenticationMethodReference] = new JsonArray([.. amr.Select(value => JsonValue.Create(value))]);
                }

                foreach (var (name, value) in document.Consent?.Session?.IdToken ?? [])
                {
                    if (!TokenClaims.Reserved.Contains(name))
                    {
                        claims[name] = value?.DeepClone();
                    }
                }
            }
        }

        return Results.Json(claims, JsonSerializerOptions.Web);
    }
}
