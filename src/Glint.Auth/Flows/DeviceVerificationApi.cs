using Glint.Auth.OAuth2;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.Flows;

/// <summary>
/// <c>GET|POST /oauth2/device/verify?user_code=…</c>, OpenIddict's end-user verification endpoint, after it has
/// validated the user code: the three legs of <see cref="AuthorizationFlows"/> (login, consent) run here with the
/// device's request, and the approval activates the device code; a denial rejects it. The browser ends on the
/// built-in <c>/device</c> page, which says what happened.
/// </summary>
public static class DeviceVerificationApi
{
    public static IEndpointRouteBuilder MapDeviceVerificationApi(this IEndpointRouteBuilder routes)
    {
        // Not HEAD: a GET here runs a device verification (see GetAndHead).
        routes.MapMethods(GlintServerHandlers.DeviceCodes.VerificationPath, [HttpMethods.Get, HttpMethods.Post], VerifyAsync).DisableAntiforgery();
        return routes;
    }

    private static async Task<IResult> VerifyAsync(
        HttpContext http, AuthorizationFlows flows, DeviceCodeGuesses guesses, AuthSettings settings, FlowSealer sealer, TimeProvider time)
    {
        if (http.GetOpenIddictServerRequest() is { } arriving &&
            (string?)arriving[DeviceChallengeApi.Verifier] is not { Length: > 0 } &&
            (string?)arriving[AuthorizationFlows.LoginVerifier] is not { Length: > 0 } &&
            (string?)arriving[AuthorizationFlows.ConsentVerifier] is not { Length: > 0 })
        {
            // The operator's own device page asks for the code: the browser goes there first, with a device challenge.
            if (settings.DeviceVerificationUrl is not null)
            {
                return DeviceChallengeApi.SendToVerificationPage(http, sealer, settings, time, arriving.UserCode);
            }
        }
        else if (http.GetOpenIddictServerRequest() is { } answered &&
            (string?)answered[DeviceChallengeApi.Verifier] is { Length: > 0 } deviceVerifier &&
            (string?)answered[AuthorizationFlows.LoginVerifier] is not { Length: > 0 } &&
            (string?)answered[AuthorizationFlows.ConsentVerifier] is not { Length: > 0 })
        {
            // Back from the device page: the verifier names the accepted user code, which the verification below checks.
            if (DeviceChallengeApi.UserCodeOf(sealer, settings, time, deviceVerifier) is not { } accepted)
            {
                return ErrorPage.Render(Errors.InvalidRequest, "The device verifier has already been used, has expired, or is invalid. Start again on your device's verification page.");
            }

            if (answered.UserCode != accepted)
            {
                return Results.Redirect(LoginConsentAdminApi.SetQuery(RequestUrls.Of(http, settings, GlintServerHandlers.DeviceCodes.VerificationPath), Parameters.UserCode, accepted));
            }
        }

        if (http.GetOpenIddictServerResponse() is { Error: { Length: > 0 } error })
        {
            if (error == GlintServerHandlers.DeviceCodes.TooManyGuesses)
            {
                return Results.Redirect(Outcome(settings, "too_many_attempts"));
            }

            return await WrongUserCodeAsync(http, guesses, settings);
        }

        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");
        // OpenIddict leaves an unknown, expired or used user code unauthenticated here rather than refusing it.
        var userCode = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (userCode is null || userCode.GetPresenters().FirstOrDefault() is not { Length: > 0 } clientId)
        {
            return string.IsNullOrEmpty(request.UserCode)
                ? Results.Redirect(Outcome(settings, "enter_user_code"))
                : await WrongUserCodeAsync(http, guesses, settings);
        }

        // The device's request, as the flow sees it: its client, scopes and audiences come with the user code.
        request.ClientId = clientId;
        request.Scope = string.Join(' ', userCode.GetScopes());
        var approved = settings.DeviceSuccessUrl is { } success
            ? QueryHelpers.AddQueryString(success.AbsoluteUri, Parameters.ClientId, clientId)
            : Outcome(settings, "approved");
        var deviceFlow = new DeviceFlow(approved, Outcome(settings, "denied"));

        if ((string?)request[AuthorizationFlows.ConsentVerifier] is { Length: > 0 } consentVerifier)
        {
            return await flows.FinishConsentAsync(http, request, consentVerifier, deviceFlow);
        }

        if ((string?)request[AuthorizationFlows.LoginVerifier] is { Length: > 0 } loginVerifier)
        {
            return await flows.FinishLoginAsync(http, request, null, loginVerifier, deviceFlow);
        }

        return await flows.StartAsync(http, request, deviceFlow);
    }

    /// <summary>Counted against the address; the user types the code again on the page.</summary>
    private static async Task<IResult> WrongUserCodeAsync(HttpContext http, DeviceCodeGuesses guesses, AuthSettings settings)
    {
        await guesses.RecordWrongGuessAsync(DeviceCodeGuesses.Ip(http), http.RequestAborted);
        return Results.Redirect(Outcome(settings, "invalid_user_code"));
    }

    private static string Outcome(AuthSettings settings, string outcome) =>
        QueryHelpers.AddQueryString(new Uri(settings.PublicBase, GlintServerHandlers.DeviceCodes.PagePath).AbsoluteUri, "outcome", outcome);
}

/// <summary>
/// A flow started at the verification endpoint: it has no redirect URI, so its approval and its errors send the
/// browser to the built-in page; an error there rejects the device code (the client's poll gets access_denied).
/// </summary>
public sealed record DeviceFlow(string ApprovedUri, string DeniedUri)
{
    public AuthenticationProperties Approved() => new() { RedirectUri = ApprovedUri };

    public IResult Denied(string error, string? description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error == Errors.AccessDenied ? error : Errors.AccessDenied,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            })
            { RedirectUri = DeniedUri },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
