using System.Globalization;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Wallets.Prices;

namespace Glint.Server.Health;

/// <summary>
/// <c>/health/alive</c> and <c>/health/ready</c> on both ports, with Hydra's bodies; ready checks the database. A price
/// feed that fails is reported in ready's <c>details</c> without failing it: the node serves on with the last good price.
/// </summary>
public static class HealthApi
{
    private static readonly string[] Prefixes = ["", "/admin"];

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        foreach (var prefix in Prefixes)
        {
            routes.MapGet(prefix + "/health/alive", Alive);
            routes.MapGet(prefix + "/health/ready", ReadyAsync);
        }

        return routes;
    }

    /// <summary>Whether <paramref name="path"/> is one of the health endpoints (which need no credentials).</summary>
    public static bool Serves(PathString path)
    {
        foreach (var prefix in Prefixes)
        {
            if (path.StartsWithSegments(prefix + "/health", StringComparison.OrdinalIgnoreCase, out var rest) &&
                (rest.Equals("/alive", StringComparison.OrdinalIgnoreCase) || rest.Equals("/ready", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private static IResult Alive() => Results.Json(new { status = "ok" });

    private static async Task<IResult> ReadyAsync(
        HttpContext http, GlintDbContext db, FirstUseWarmUp warmUp, CurrentPrice price, CancellationToken cancellationToken)
    {
        // Once the node has said it is ready, it can spend a moment on what the first API call needs.
        http.Response.OnCompleted(() =>
        {
            warmUp.Begin();
            return Task.CompletedTask;
        });
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
            ? Results.Json(price.Problem is { } problem ? new { status = "ok", details = new { prices = Describe(problem) } } : (object)new { status = "ok" })
            : Results.Json(new { errors = new Dictionary<string, string> { ["database"] = "The database is not reachable." } }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static string Describe(PriceFeedProblem problem) => string.Create(CultureInfo.InvariantCulture,
        $"The price feed is failing since {problem.Since:O} ({problem.Reason} at {problem.LastFailure:O}); the last good price, {problem.Kept.Price} quoted {problem.Kept.At:O}, is kept.");
}
