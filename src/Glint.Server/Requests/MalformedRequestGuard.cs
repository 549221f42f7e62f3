using Microsoft.AspNetCore.Http.Features;

namespace Glint.Server.Requests;

/// <summary>
/// Caps each request's body by what its endpoint reads, and reads form bodies before any endpoint does, so that an
/// oversized, malformed or wrongly encoded form is refused with the protocol's own 400 (or 413) instead of an
/// exception in the middle of OpenIddict or a page. The form is read once either way: endpoints get the parsed copy.
/// GraphQL is left alone: it sets its own limit and writes its own errors.
/// </summary>
public sealed class MalformedRequestGuard(RequestDelegate next, RequestLimits limits)
{
    /// <summary>ASP.NET Core's form reader rules (FormOptions defaults), as the refusal states them.</summary>
    private const string FormRules =
        "The form body cannot be read: it must be a well-formed application/x-www-form-urlencoded body with at most 1024 fields, " +
        "field names of at most 2048 characters, and valid percent-encoding without NUL characters.";

    private const string NotUtf8 =
        "The form body is not valid UTF-8 (U+FFFD is refused too).";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var surface = RequestSurfaces.Of(request.Path);
        if (surface == RequestSurface.GraphQL)
        {
            await next(context);
            return;
        }

        var limit = surface == RequestSurface.Admin ? limits.AdminBodyBytes : limits.FormBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        if (request.ContentLength > limit)
        {
            // Refused before a byte of the body is read.
            await RequestRefusal.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, RequestRefusal.Describe(StatusCodes.Status413PayloadTooLarge, limit));
            return;
        }

        if (request.QueryString.Value is { } query && query.Contains("%00", StringComparison.Ordinal))
        {
            // No parameter of any endpoint can hold a NUL, and PostgreSQL cannot store one.
            await RequestRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, "The query string contains a NUL character (%00), which no parameter accepts.");
            return;
        }

        // The admin API reads JSON whatever the Content-Type says (as Hydra does: scripts post JSON with curl -d).
        if (surface != RequestSurface.Admin && request.HasFormContentType && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            try
            {
                await request.ReadFormAsync(context.RequestAborted);
            }
            catch (BadHttpRequestException bad)
            {
                await RequestRefusal.WriteAsync(context, bad.StatusCode, RequestRefusal.Describe(bad.StatusCode, limit));
                return;
            }
            catch (Exception exception) when (exception is InvalidDataException || (exception is IOException && !context.RequestAborted.IsCancellationRequested))
            {
                // An IOException without an abort is a multipart body that ends before its boundary says it does.
                await RequestRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, FormRules);
                return;
            }

            if (HasReplacementCharacter(request.Form))
            {
                await RequestRefusal.WriteAsync(context, StatusCodes.Status400BadRequest, NotUtf8);
                return;
            }
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            // A body that turned out too large (chunked) or broken while an endpoint read it: the client's mistake,
            // answered here rather than logged as a server error.
            await RequestRefusal.WriteAsync(context, bad.StatusCode, RequestRefusal.Describe(bad.StatusCode, limit));
        }
    }

    /// <summary>
    /// ASP.NET Core's form reader decodes raw bytes that are not UTF-8 to U+FFFD and carries on; the value an endpoint
    /// then stores or compares is not the one the client sent. (Percent-encoded ones it leaves undecoded, as text.) No parameter of any endpoint has a use for U+FFFD
    /// itself, so finding one is taken as the broken encoding it nearly always is.
    /// </summary>
    private static bool HasReplacementCharacter(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> fields)
    {
        foreach (var (name, values) in fields)
        {
            if (name.Contains('\uFFFD', StringComparison.Ordinal))
            {
                return true;
            }

            foreach (var value in values)
            {
                if (value is not null && value.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
