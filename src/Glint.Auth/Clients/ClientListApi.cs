using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Glint.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.EntityFrameworkCore;

namespace Glint.Auth.Clients;

/// <summary>
/// <c>GET /admin/clients</c> with Hydra v2.2.0's pagination: <c>page_size</c> (default 250, at most 1000),
/// an offset <c>page_token</c>, and the <c>Link</c> and <c>X-Total-Count</c> headers.
/// </summary>
public static class ClientListApi
{
    private const int DefaultPageSize = 250;
    private const int MaxPageSize = 1000;

    public static async Task<IResult> ListAsync(HttpContext http, GlintDbContext db)
    {
        var query = http.Request.Query;
        var pageSize = PageSize(query);
        if (!TryReadOffset(query["page_token"].ToString(), out var offset))
        {
            return HydraError.Malformed("The page_token is not a valid pagination token.");
        }

        var clients = db.Clients.AsNoTracking();
        if (query["client_name"].ToString() is { Length: > 0 } name)
        {
            clients = clients.Where(client => client.DisplayName == name);
        }

        if (query["owner"].ToString() is { Length: > 0 } owner)
        {
            clients = clients.Where(client => client.Owner == owner);
        }

        var total = await clients.CountAsync(http.RequestAborted);
        var page = await clients.OrderBy(client => client.ClientId).Skip(offset).Take(pageSize).ToListAsync(http.RequestAborted);

        http.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.Link = LinkHeader(http.Request, pageSize, offset, total);
        return Results.Json(page.Select(ClientMetadata.Read).ToList(), HydraJson.Options, "application/json; charset=utf-8");
    }

    /// <summary>As Hydra v2.2.0: a number is clamped into [1, 1000] (so 0 and negatives give 1), anything else is the default 250.</summary>
    internal static int PageSize(IQueryCollection query) =>
        int.TryParse(query["page_size"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size)
            ? Math.Clamp(size, 1, MaxPageSize)
            : DefaultPageSize;

    public static string PageToken(int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"offset\":\"{offset.ToString(CultureInfo.InvariantCulture)}\",\"v\":2}}"));

    internal static bool TryReadOffset(string token, out int offset)
    {
        offset = 0;
        if (token.Length == 0)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
            var value = document.RootElement.GetProperty("offset");
            var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (Exception exception) when (exception is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    internal static string LinkHeader(HttpRequest request, int pageSize, int offset, int total)
    {
        var links = new List<string> { Link(request, pageSize, 0, "first") };
        if (offset + pageSize < total)
        {
            links.Add(Link(request, pageSize, offset + pageSize, "next"));
        }

        if (offset > 0)
        {
            links.Add(Link(request, pageSize, Math.Max(0, offset - pageSize), "prev"));
        }

        var last = total == 0 ? 0 : (total - 1) / pageSize * pageSize;
        links.Add(Link(request, pageSize, last, "last"));
        return string.Join(",", links);
    }

    private static string Link(HttpRequest request, int pageSize, int offset, string rel)
    {
        var query = new QueryBuilder(request.Query.Where(pair => pair.Key is not ("page_size" or "page_token"))
            .SelectMany(pair => pair.Value.Select(value => new KeyValuePair<string, string>(pair.Key, value ?? ""))))
        {
            { "page_size", pageSize.ToString(CultureInfo.InvariantCulture) },
            { "page_token", PageToken(offset) },
        };
        return $"<{request.PathBase}{request.Path}{query}>; rel=\"{rel}\"";
    }
}
