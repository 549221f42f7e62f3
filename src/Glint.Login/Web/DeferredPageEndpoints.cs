using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Glint.Login.Web;

/// <summary>
/// The login pages' endpoints, mapped when routing first asks for them rather than when the host is built: Razor Pages'
/// data source builds every page's action descriptor (its application model, handlers and binding metadata) as soon as
/// it is created, which was 125-137 ms of a start's CPU before the node listened (phase marks in a published build).
/// Routing asks when it builds its matcher, in the warm-up after the first ready answer (health probes skip routing), or
/// on the first request routed if that comes first. Nothing else asks before: the authorization middleware, whose policy
/// cache read every endpoint at host start, is left out (GlintHost). The pages are compiled into this assembly, so
/// nothing an operator configures can make the mapping fail later than it would have at start.
/// </summary>
internal sealed class DeferredPageEndpoints : EndpointDataSource
{
    private readonly Lazy<EndpointDataSource> _pages;

    private DeferredPageEndpoints(IEndpointRouteBuilder routes) =>
        _pages = new Lazy<EndpointDataSource>(() =>
        {
            var own = new PagesRouteBuilder(routes);
            own.MapRazorPages();
            return new CompositeEndpointDataSource(own.DataSources);
        }, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void Map(IEndpointRouteBuilder routes) => routes.DataSources.Add(new DeferredPageEndpoints(routes));

    public override IReadOnlyList<Endpoint> Endpoints => _pages.Value.Endpoints;

    public override IChangeToken GetChangeToken() => _pages.Value.GetChangeToken();

    /// <summary>Razor Pages' own data source, in a builder of its own that shares the host's services.</summary>
    private sealed class PagesRouteBuilder(IEndpointRouteBuilder routes) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => routes.ServiceProvider;

        public ICollection<EndpointDataSource> DataSources { get; } = [];

        public IApplicationBuilder CreateApplicationBuilder() => routes.CreateApplicationBuilder();
    }
}
