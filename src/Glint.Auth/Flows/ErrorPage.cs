using System.Net;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth.Flows;

/// <summary>
/// The page a browser sees when an authorization or logout request cannot be answered at the client (an unknown
/// client, a redirect URI that is not registered): sending the error to an unverified address would make Glint an
/// open redirector, so the user is told here instead.
/// </summary>
public static class ErrorPage
{
    /// <summary>The page's own inline style and nothing else; framing refused, as on every built-in page.</summary>
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IResult Render(string error, string? description) => new Page(Html(error, description));

    private static string Html(string error, string? description) =>
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign-in error</title></head>
            <body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
            <h1>This sign-in request cannot be completed</h1>
            <p>The application that sent you here made a request Glint cannot accept. Go back to the application and try again, or contact its developer.</p>
            <p><code>{WebUtility.HtmlEncode(error)}</code>: {WebUtility.HtmlEncode(description ?? "")}</p>
            </body></html>
            """;

    private sealed class Page(string html) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Results.Content(html, "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(httpContext);
        }
    }
}
