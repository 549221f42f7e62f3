using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Glint.Auth.Discovery;

/// <summary>
/// The discovery documents and the JWKS depend only on the issuer and the signing keys, both fixed for the life of the
/// process (keys rotate with a restart), yet OpenIddict builds them anew on every request. The first successful
/// answer to each is kept and replayed byte for byte. A <c>HEAD</c> gets the same answer without its body (RFC 9110
/// §9.3.2), which OpenIddict, serving these documents to <c>GET</c> alone, would refuse.
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
        var method = context.Request.Method;
        var head = HttpMethods.IsHead(method);
        if (!(head || HttpMethods.IsGet(method)) || path is null || Array.IndexOf(Paths, path) < 0)
        {
            await next(context);
            return;
        }

        if (_responses.TryGetValue(path, out var cached))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = cached.ContentType;
            context.Response.ContentLength = cached.Body.Length;
            if (!head)
            {
                await context.Response.Body.WriteAsync(cached.Body, context.RequestAborted);
            }

            return;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        // Only for OpenIddict, which builds the GET's document; the request is a HEAD again for everything after it.
        context.Request.Method = HttpMethods.Get;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            context.Request.Method = method;
        }

        var body = buffer.ToArray();
        if (context.Response.StatusCode == StatusCodes.Status200OK && context.Response.ContentType is { } contentType)
        {
            _responses.TryAdd(path, new CachedResponse(contentType, body));
        }

        context.Response.ContentLength = body.Length;
        if (!head)
        {
            await original.WriteAsync(body, context.RequestAborted);
        }
    }
}
