using System.Text.Json;
using Glint.Api.Http;

namespace Glint.Server.Requests;

/// <summary>
/// Writes the 500 of a request that failed unexpectedly, in the protocol of its path, so that a client's error
/// handling still reads it: RFC 6749's <c>server_error</c> on the OAuth 2.0 and OpenID Connect endpoints, a GraphQL
/// error on the API, LNURL's error on the Lightning address endpoints, Hydra's generic error elsewhere. The exception
/// itself is only logged: nothing of it is written.
/// </summary>
public static class ServerFailure
{
    /// <summary>Hydra's text for an internal error, as its admin API writes it.</summary>
    private const string HydraInternal = "An internal server error occurred, please contact the system administrator";

    private const string Unexpected = "The server met an unexpected condition and could not answer the request. Try again later.";

    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status500InternalServerError;
        switch (RequestSurfaces.Of(context.Request.Path))
        {
            case RequestSurface.OAuth:
                // No Cache-Control here: the exception handler middleware marks every answer it writes no-store itself.
                return WriteJsonAsync(context, "application/json;charset=UTF-8", new() { ["error"] = "server_error", ["error_description"] = Unexpected });
            case RequestSurface.GraphQL:
                return GraphQLEndpoint.WriteServerErrorAsync(context);
            case RequestSurface.Lnurl:
                return WriteJsonAsync(context, "application/json; charset=utf-8", new() { ["status"] = "ERROR", ["reason"] = Unexpected });
            default:
                return WriteJsonAsync(context, "application/json; charset=utf-8", new() { ["error"] = HydraInternal, ["error_description"] = "" });
        }
    }

    private static Task WriteJsonAsync(HttpContext context, string contentType, Dictionary<string, string> body)
    {
        context.Response.ContentType = contentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
