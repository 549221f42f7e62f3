using System.Text.Json;

namespace Glint.Server.Requests;

/// <summary>
/// Writes a refused request's 4xx in the protocol of its path. The description is Glint's own text, naming the rule
/// that was broken; never an exception's message.
/// </summary>
public static class RequestRefusal
{
    /// <summary>Hydra's text for a request it cannot decode, as its admin API writes it.</summary>
    private const string HydraMalformed = "The request was malformed or contained invalid parameters";

    public static Task WriteAsync(HttpContext context, int status, string description)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        switch (RequestSurfaces.Of(context.Request.Path))
        {
            case RequestSurface.OAuth:
                response.Headers.CacheControl = "no-store";
                response.Headers.Pragma = "no-cache";
                return WriteJsonAsync(context, "application/json;charset=UTF-8", new() { ["error"] = "invalid_request", ["error_description"] = description });
            case RequestSurface.Admin:
                // Hydra writes double quotes in descriptions as single quotes (see HydraError).
                return WriteJsonAsync(context, "application/json; charset=utf-8",
                    new() { ["error"] = HydraMalformed, ["error_description"] = description.Replace('"', '\'') });
            case RequestSurface.Lnurl:
                return WriteJsonAsync(context, "application/json; charset=utf-8", new() { ["status"] = "ERROR", ["reason"] = description });
            case RequestSurface.SessionLogin:
            case RequestSurface.GraphQL:
                return WriteJsonAsync(context, "application/json; charset=utf-8", new() { ["error"] = description });
            default:
                response.ContentType = "text/plain; charset=utf-8";
                return response.WriteAsync($"Bad request: {description}\n", context.RequestAborted);
        }
    }

    /// <summary>The rule behind a status Kestrel refuses a request with while its body is read.</summary>
    public static string Describe(int status, long? bodyLimit) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => bodyLimit is { } limit
            ? $"The request body is larger than this endpoint accepts ({limit} bytes)."
            : "The request body is larger than this endpoint accepts.",
        StatusCodes.Status408RequestTimeout => "The request body arrived too slowly.",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are too large.",
        _ => "The request could not be read: its framing or encoding is invalid.",
    };

    private static Task WriteJsonAsync(HttpContext context, string contentType, Dictionary<string, string> body)
    {
        context.Response.ContentType = contentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
