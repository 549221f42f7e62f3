using Glint.Data;

namespace Glint.Server.Health;

/// <summary><c>/health/alive</c> and <c>/health/ready</c> on both ports, with Hydra's bodies; ready checks the database.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in (string[])["", "/admin"])
        {
            routes.MapGet(prefix + "/health/alive", Alive);
            routes.MapGet(prefix + "/health/ready", ReadyAsync);
        }

        return routes;
    }

    private static IResult Alive() => Results.Json(new { status = "ok" });

    private static async Task<IResult> ReadyAsync(GlintDbContext db, CancellationToken cancellationToken)
    {
        bool connected;
        try
        {
            connected = await db.Database.CanConnectAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            connected = false;
        }

        return connected
            ? Results.Json(new { status = "ok" })
            : Results.Json(new { errors = new Dictionary<string, string> { ["database"] = "The database is not reachable." } }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
