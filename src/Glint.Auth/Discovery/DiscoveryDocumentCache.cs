using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth.Discovery;

/// <summary>
/// The discovery documents and the JWKS depend only on the issuer and the signing keys, both fixed for the life of the
/// process (keys rotate with a restart), yet OpenIddict builds them anew on every request. The first successful
/// answer to each is kept and replayed byte for byte.
/// </summary>
public sealed class DiscoveryDocumentCache(RequestDelegate next)
{
    private static readonly string[] Paths = ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks.json"];

    private readonly ConcurrentDictionary<string, CachedResponse> _responses = new(StringComparer.Ordinal);

    private sealed record CachedResponse(string ContentType, byte[] Body);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value;
        if (!HttpMethods.IsGet(context.Request.Method) || path is null || Array.IndexOf(Paths, path) < 0)
        {
            await next(context);
            return;
        }

        if (_responses.TryGetValue(path, out var cached))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = cached.ContentType;
            context.Response.ContentLength = cached.Body.Length;
            await context.Response.Body.WriteAsync(cached.Body, context.RequestAborted);
            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var body = buffer.ToArray();
        if (context.Response.StatusCode == StatusCodes.Status200OK && context.Response.ContentType is { } contentType)
        {
            _responses.TryAdd(path, new CachedResponse(contentType, body));
        }

        await original.WriteAsync(body, context.RequestAborted);
    }
}
