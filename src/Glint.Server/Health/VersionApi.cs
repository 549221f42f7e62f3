using System.Reflection;
using System.Text;

namespace Glint.Server.Health;

/// <summary>
/// Hydra's <c>GET /admin/version</c> (also <c>/version</c> on the admin port): which Glint a node runs, so an operator
/// or a deployment script can tell nodes apart during a rolling upgrade. Not on the public port, as in Hydra.
/// </summary>
public static class VersionApi
{
    public const string Path = "/admin/version";

    /// <summary>The build's informational version (the version and, when built from a Git checkout, its commit).</summary>
    public static string Version { get; } =
        typeof(VersionApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["version"] = Version }));

    public static IEndpointRouteBuilder MapVersionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods(Path, Glint.Auth.GetAndHead.Methods, () => Results.Bytes(Body, "application/json; charset=utf-8"));
        return routes;
    }
}
