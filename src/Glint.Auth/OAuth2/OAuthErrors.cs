using Microsoft.AspNetCore.Http;

namespace Glint.Auth.OAuth2;

/// <summary>RFC 6749 error JSON for the endpoints Glint writes itself (OpenIddict writes its own).</summary>
public static class OAuthErrors
{
    public static IResult Json(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description },
            contentType: "application/json;charset=UTF-8", statusCode: status);

    public static IResult NoStore(IResult result, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        return result;
    }
}
