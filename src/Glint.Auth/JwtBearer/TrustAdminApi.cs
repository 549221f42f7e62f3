using System.Globalization;
using Glint.Auth.Clients;
using Glint.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Glint.Auth.JwtBearer;

/// <summary>
/// Hydra's trust relationships for the JWT-bearer grant, <c>/admin/trust/grants/jwt-bearer/issuers</c>: which issuer
/// may sign assertions for which subject (or any), with which key and for which scopes, until when. A trust is created
/// and deleted, never changed, as in Hydra.
/// </summary>
public static class TrustAdminApi
{
    public const string Path = "/admin/trust/grants/jwt-bearer/issuers";

    public static IEndpointRouteBuilder MapTrustAdminApi(this IEndpointRouteBuilder routes)
    {
        var trusts = routes.MapGroup(Path).DisableAntiforgery();
        trusts.MapPost("", CreateAsync);
        trusts.MapMethods("", GetAndHead.Methods, ListAsync);
        trusts.MapMethods("/{id}", GetAndHead.Methods, GetAsync);
        trusts.MapDelete("/{id}", DeleteAsync);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, GlintDbContext db, TimeProvider time)
    {
        var (request, error) = await HydraJsonBody.ReadAsync<TrustRequest>(http.Request);
        if (request is null)
        {
            return error!;
        }

        var (trust, invalid) = TrustValidator.Validate(request, time.GetUtcNow());
        if (trust is null)
        {
            return invalid!;
        }

        if (await db.JwtBearerTrusts.AnyAsync(t => t.Issuer == trust.Issuer && t.Subject == trust.Subject && t.KeyId == trust.KeyId, http.RequestAborted))
        {
            return HydraError.Conflict();
        }

        db.JwtBearerTrusts.Add(trust);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // Another request trusted the same issuer, subject and key in the meantime.
            return HydraError.Conflict();
        }

        http.Response.Headers.Location = $"{Path}/{trust.Id:D}";
        return Json(TrustedIssuer.Of(trust), StatusCodes.Status201Created);
    }

    /// <summary>Newest first is not stable under inserts; by id, as Hydra pages them, with the clients' page tokens.</summary>
    private static async Task<IResult> ListAsync(HttpContext http, GlintDbContext db)
    {
        var query = http.Request.Query;
        var pageSize = ClientListApi.PageSize(query);
        if (!ClientListApi.TryReadOffset(query["page_token"].ToString(), out var offset))
        {
            return HydraError.Malformed("Unable to parse pagination parameters: the page_token is not a valid pagination token.");
        }

        var trusts = db.JwtBearerTrusts.AsNoTracking();
        if (query["issuer"].ToString() is { Length: > 0 } issuer)
        {
            trusts = trusts.Where(trust => trust.Issuer == issuer);
        }

        var total = await trusts.CountAsync(http.RequestAborted);
        var page = await trusts.OrderBy(trust => trust.Id).Skip(offset).Take(pageSize).ToListAsync(http.RequestAborted);
        http.Response.Headers["X-Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.Link = ClientListApi.LinkHeader(http.Request, pageSize, offset, total);
        return Json(page.Select(TrustedIssuer.Of).ToList(), StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetAsync(string id, GlintDbContext db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var trustId))
        {
            return NotAnId();
        }

        var trust = await db.JwtBearerTrusts.AsNoTracking().SingleOrDefaultAsync(t => t.Id == trustId, cancellationToken);
        return trust is null ? HydraError.NotFound() : Json(TrustedIssuer.Of(trust), StatusCodes.Status200OK);
    }

    /// <summary>Assertions the deleted trust verified are refused from then on; tokens already issued from them stay valid, as in Hydra.</summary>
    private static async Task<IResult> DeleteAsync(string id, GlintDbContext db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var trustId))
        {
            return NotAnId();
        }

        var deleted = await db.JwtBearerTrusts.Where(t => t.Id == trustId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? HydraError.NotFound() : Results.NoContent();
    }

    private static IResult NotAnId() =>
        HydraError.Malformed("Unable to parse parameter id: it must be a UUID.");

    private static IResult Json(object value, int status) =>
        Results.Json(value, HydraJson.Options, "application/json; charset=utf-8", status);
}
