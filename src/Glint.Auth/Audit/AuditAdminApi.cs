using System.Globalization;
using System.Text.Json.Serialization;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Glint.Auth.Audit;

/// <summary>
/// <c>GET /admin/audit</c>: audit events, newest first, filtered by <c>subject</c>, <c>client</c> and <c>since</c>
/// (RFC 3339), paged as Hydra pages its lists (<c>page_size</c> up to 1000, <c>page_token</c>, <c>Link</c> and
/// <c>X-Total-Count</c>).
/// </summary>
public static class AuditAdminApi
{
    public const string Path = "/admin/audit";
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapAuditAdminApi(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods(Path, GetAndHead.Methods, ListAsync);
        return routes;
    }

    private static async Task<IResult> ListAsync(HttpContext http, GlintDbContext db)
    {
        var query = http.Request.Query;
        var pageSize = DefaultPageSize;
        if (query["page_size"].ToString() is { Length: > 0 } size)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize)
            {
                return HydraError.Malformed($"The page_size must be a whole number from 1 to {MaxPageSize}.");
            }
        }

        if (!ClientListApi.TryReadOffset(query["page_token"].ToString(), out var offset))
        {
            return HydraError.Malformed("The page_token is not a valid pagination token.");
        }

        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return HydraError.Malformed("The since parameter must be an RFC 3339 date and time, e.g. 2026-12-01T00:00:00Z.");
            }

            since = parsed;
        }

        var events = Filter(db.AuditEvents.AsNoTracking(), query["subject"].ToString(), query["client"].ToString(), since);
        var total = await events.CountAsync(http.RequestAborted);
        var page = await events.OrderByDescending(audit => audit.At).ThenByDescending(audit => audit.Id)
            .Skip(offset).Take(pageSize).ToListAsync(http.RequestAborted);

        http.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.Link = ClientListApi.LinkHeader(http.Request, pageSize, offset, total);
        return Results.Json(page.Select(AuditEventJson.From).ToList(), HydraJson.Options, "application/json; charset=utf-8");
    }

    private static IQueryable<AuditEvent> Filter(IQueryable<AuditEvent> events, string subject, string client, DateTimeOffset? since)
    {
        if (subject.Length > 0)
        {
            events = events.Where(audit => audit.Subject == subject);
        }

        if (client.Length > 0)
        {
            events = events.Where(audit => audit.ClientId == client);
        }

        if (since is { } from)
        {
            events = events.Where(audit => audit.At >= from);
        }

        return events;
    }
}

/// <summary>An audit event as <c>/admin/audit</c> shows it.</summary>
public sealed record AuditEventJson(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("target")] string? Target,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("remote_address")] string? RemoteAddress)
{
    public static AuditEventJson From(AuditEvent audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        return new(audit.Id, audit.At.ToUniversalTime(), audit.ActorKind, audit.Action, audit.Subject, audit.ClientId, audit.Target, audit.Reason, audit.RemoteAddress);
    }
}
