using System.Globalization;
using Glint.Auth;
using Glint.Server.Hosting;
using Glint.Wallets.Prices;

namespace Glint.Server.Health;

/// <summary>
/// <c>/health/alive</c> and <c>/health/ready</c> on both ports, with Hydra's bodies; ready checks the database. A price
/// feed that fails is reported in ready's <c>details</c> without failing it: the node serves on with the last good price.
/// Both answer <c>HEAD</c> too, the probe many load balancers send.
/// </summary>
public static class HealthApi
{
    private static readonly string[] Prefixes = ["", "/admin"];

    /// <summary>The liveness probe's path on the public port (the admin port's has <c>/admin</c> before it).</summary>
    public const string AlivePath = "/health/alive";

    /// <summary>Maps the health endpoints, in a group of their own whose data source <paramref name="probes"/> selects from.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes, HealthProbeRouting probes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(probes);
        var group = routes.MapGroup(string.Empty);
        // MapGroup adds the group's data source to the outer builder: the endpoints routing itself would match.
        probes.Use(routes.DataSources.Last());
        foreach (var prefix in Prefixes)
        {
            group.MapMethods(prefix + AlivePath, GetAndHead.Methods, Alive).WithMetadata(new HealthPath(prefix + AlivePath));
            group.MapMethods(prefix + "/health/ready", GetAndHead.Methods, ReadyAsync).WithMetadata(new HealthPath(prefix + "/health/ready"));
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

    /// <summary>
    /// A healthy node's answer, as bytes: serialising an anonymous object builds its JSON metadata by reflection, and the
    /// first ready probe, which did it, is the last step of a start.
    /// </summary>
    private static readonly byte[] Ok = """{"status":"ok"}"""u8.ToArray();

    private const string JsonContentType = "application/json; charset=utf-8";

    private static IResult Alive() => Results.Bytes(Ok, JsonContentType);

    private static async Task<IResult> ReadyAsync(
        HttpContext http, DatabaseReachability database, FirstUseWarmUp warmUp, CurrentPrice price, CancellationToken cancellationToken)
    {
        // Once the node has said it is ready, it can spend a moment on what the first API call needs.
        http.Response.OnCompleted(() =>
        {
            warmUp.Begin();
            return Task.CompletedTask;
        });
        if (!await database.IsReachableAsync(cancellationToken))
        {
            return Results.Json(new { errors = new Dictionary<string, string> { ["database"] = "The database is not reachable." } }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return price.Problem is { } problem ? Results.Json(new { status = "ok", details = new { prices = Describe(problem) } }) : Results.Bytes(Ok, JsonContentType);
    }

    private static string Describe(PriceFeedProblem problem) => string.Create(CultureInfo.InvariantCulture,
        $"The price feed is failing since {problem.Since:O} ({problem.Reason} at {problem.LastFailure:O}); the last good price, {problem.Kept.Price} quoted {problem.Kept.At:O}, is kept.");
}
