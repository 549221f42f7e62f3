using Glint.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Api;

/// <summary>
/// <c>POST /graphql</c> (JSON <c>{query, variables, operationName}</c>), <c>GET /graphql?query=…</c> for queries, and
/// WebSocket upgrades of <c>GET /graphql</c> for subscriptions (graphql-ws), on the public port.
/// </summary>
public static class GraphQLApi
{
    public const string Path = "/graphql";

    public static IEndpointRouteBuilder MapGlintApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(Path, PostAsync);
        // Not HEAD: a GET runs a query or opens a subscription, nothing to probe (see GetAndHead).
        endpoints.MapGet(Path, GetAsync);
        return endpoints;
    }

    private static Task PostAsync(HttpContext http) => http.RequestServices.GetRequiredService<GraphQLEndpoint>().PostAsync(http);

    private static Task GetAsync(HttpContext http) => http.WebSockets.IsWebSocketRequest
        ? http.RequestServices.GetRequiredService<GraphQLWebSocket>().AcceptAsync(http)
        : http.RequestServices.GetRequiredService<GraphQLEndpoint>().GetAsync(http);
}
