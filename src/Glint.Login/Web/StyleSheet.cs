using System.Security.Cryptography;
using Glint.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Glint.Login.Web;

/// <summary>The pages' one stylesheet, embedded in the assembly and served with a content-hash URL that caches forever.</summary>
public static class StyleSheet
{
    private static readonly byte[] Content = Load();

    /// <summary>The URL the layout links to; it changes whenever the stylesheet does.</summary>
    public static string Url { get; } = "/ui/glint.css?v=" + Convert.ToHexStringLower(SHA256.HashData(Content))[..12];

    /// <summary>Also under <c>/admin</c>, where the admin port serves every path, for the admin port's review page.</summary>
    internal static void MapStyleSheet(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/ui/glint.css", GetAndHead.Methods, Serve);
        routes.MapMethods("/admin/ui/glint.css", GetAndHead.Methods, Serve);
    }

    private static IResult Serve(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(Content, "text/css; charset=utf-8");
    }

    private static byte[] Load()
    {
        using var stream = typeof(StyleSheet).Assembly.GetManifestResourceStream("glint.css")
            ?? throw new InvalidOperationException("The stylesheet is not embedded.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
