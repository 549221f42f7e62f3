using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Cli.Connection;

namespace Glint.Cli.Clients;

/// <summary>Reading <c>GET /admin/clients</c> page by page, through its <c>Link</c> header.</summary>
internal static partial class ClientPages
{
    public const string Path = "/admin/clients";

    /// <summary>Every client on the server, all pages.</summary>
    public static async Task<List<JsonObject>> ReadAllAsync(GlintHttp http, CancellationToken cancellationToken)
    {
        var clients = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = await http.GetAsync(Path + "?page_size=1000" + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token)), cancellationToken);
            var items = page.Json as JsonArray ?? throw new CliException($"GET {http.Url(Path)} did not answer with a JSON array of clients.");
            clients.AddRange(items.OfType<JsonObject>());
            token = items.Count == 0 ? null : NextPageToken(page.Headers);
        }
        while (token is not null);

        return clients;
    }

    /// <summary>The <c>page_token</c> of the <c>Link</c> header's <c>rel="next"</c> entry.</summary>
    public static string? NextPageToken(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        var next = NextLink().Match(string.Join(',', links));
        return next.Success ? WebUtility.UrlDecode(next.Groups["token"].Value) : null;
    }

    [GeneratedRegex("""<[^>]*[?&]page_token=(?<token>[^&>]*)[^>]*>;\s*rel="next"\s*""")]
    private static partial Regex NextLink();
}
