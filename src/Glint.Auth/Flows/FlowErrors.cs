using Glint.Auth.FlowStorage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server.AspNetCore;

namespace Glint.Auth.Flows;

/// <summary>Errors of the authorization endpoint, handed to OpenIddict, which sends them to the client's redirect URI.</summary>
public static class FlowErrors
{
    public static IResult ToClient(string error, string? description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    public static IResult Rejected(RejectRequest? rejection)
    {
        var description = string.Join(' ', new[] { rejection?.ErrorDescription, rejection?.ErrorHint }.Where(part => !string.IsNullOrEmpty(part)));
        return ToClient(
            string.IsNullOrEmpty(rejection?.Error) ? "access_denied" : rejection.Error,
            description.Length > 0 ? description : "The resource owner denied the request");
    }
}
