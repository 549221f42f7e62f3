namespace Glint.Server.Health;

/// <summary>
/// Gives a health probe its endpoint before routing does, so that the first probe, which says the node is ready, does
/// not wait for the route table: matching the first request builds the matcher over every endpoint (93-97 ms of a
/// start's CPU, 4-7 ms without it, measured with phase marks in a published build). Only a <c>GET</c> or <c>HEAD</c>
/// on one of <see cref="HealthApi"/>'s exact paths is given one, built from the same route entries as the endpoint
/// routing would have chosen (the health endpoints' own data source), so its metadata, the request metrics' route and
/// the rest of the pipeline are what they were. Anything else (another method, another path, a path that
/// only routing's rules would match) is left to routing as before.
/// (The endpoints themselves are built at host start, by the authorization middleware's policy cache; the matcher over
/// them is built after the node has said it is ready, by <see cref="WarmRoutingAsync"/>.)
/// </summary>
public sealed class HealthProbeRouting
{
    private EndpointDataSource? _source;
    private Dictionary<string, Endpoint>? _byPath;
    private RequestDelegate? _routing;

    /// <summary>Called by <see cref="HealthApi.MapHealthApi"/> with the data source holding only the health endpoints.</summary>
    internal void Use(EndpointDataSource source) => _source = source;

    /// <summary>The middleware, placed after the requests' path is final (PortSurfaces) and before routing.</summary>
    public RequestDelegate Select(RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        _routing = next;
        return context => SelectAsync(context, next);
    }

    private Task SelectAsync(HttpContext context, RequestDelegate next)
    {
        if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) && context.GetEndpoint() is null &&
            context.Request.Path.Value is { } path && Endpoints().TryGetValue(path, out var endpoint))
        {
            // EndpointRoutingMiddleware skips matching for a request that has its endpoint already.
            context.SetEndpoint(endpoint);
        }

        return next(context);
    }

    /// <summary>
    /// Builds routing's matcher, which only a routed request builds (it belongs to the routing middleware): a liveness
    /// probe sent through the rest of the pipeline, in process, as routing would see it. Without it the first request
    /// after the node said it was ready paid about 70–95 ms of CPU for it. Nothing records the request: the hosting
    /// layer, which logs and measures requests, never sees it, and past routing it is the plain liveness answer.
    /// </summary>
    public async Task WarmRoutingAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        if (_routing is not { } routing)
        {
            return;
        }

        var context = new DefaultHttpContext { RequestServices = scoped, RequestAborted = cancellationToken };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = HealthApi.AlivePath;
        context.Response.Body = Stream.Null;
        await routing(context);
    }

    private Dictionary<string, Endpoint> Endpoints()
    {
        if (Volatile.Read(ref _byPath) is { } built)
        {
            return built;
        }

        var byPath = new Dictionary<string, Endpoint>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in _source?.Endpoints ?? [])
        {
            if (endpoint.Metadata.GetMetadata<HealthPath>() is { } health && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { } methods &&
                methods.HttpMethods.Contains(HttpMethods.Get) && methods.HttpMethods.Contains(HttpMethods.Head))
            {
                byPath[health.Path] = endpoint;
            }
        }

        Volatile.Write(ref _byPath, byPath);
        return byPath;
    }
}

/// <summary>The path a health endpoint answers on, as it is after PortSurfaces (admin paths with their <c>/admin</c>).</summary>
internal sealed record HealthPath(string Path);
