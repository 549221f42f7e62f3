using System.Net;
using Glint.Server.Health;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// A health probe gets its endpoint before routing (so the first ready answer does not build the route table), and
/// that endpoint is the one routing would have matched; every other request is left to routing.
/// </summary>
public sealed class HealthProbeRoutingTests
{
    [Theory]
    [InlineData("GET", "/health/alive")]
    [InlineData("GET", "/health/ready")]
    [InlineData("GET", "/admin/health/alive")]
    [InlineData("GET", "/admin/health/ready")]
    [InlineData("GET", "/Admin/Health/Ready")]
    [InlineData("HEAD", "/health/ready")]
    [InlineData("HEAD", "/admin/health/alive")]
    public async Task A_GET_or_HEAD_probe_gets_the_health_endpoint_before_routing(string method, string path)
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();
        var probes = new HealthProbeRouting();
        app.MapHealthApi(probes);

        var context = await SelectAsync(probes, method, path);

        var selected = Assert.IsType<RouteEndpoint>(context.GetEndpoint());
        // The route and methods routing would have matched: the request metrics' http.route is unchanged.
        var routed = ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>()
            .Single(endpoint => string.Equals(endpoint.RoutePattern.RawText, path, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(routed.RoutePattern.RawText, selected.RoutePattern.RawText);
        Assert.Equal(routed.DisplayName, selected.DisplayName);
        Assert.Equal([HttpMethods.Get, HttpMethods.Head], selected.Metadata.GetRequiredMetadata<IHttpMethodMetadata>().HttpMethods);
    }

    [Theory]
    [InlineData("POST", "/health/ready")]
    [InlineData("PUT", "/health/ready")]
    [InlineData("GET", "/health")]
    [InlineData("GET", "/health/ready/x")]
    [InlineData("GET", "/x/health/ready")]
    [InlineData("GET", "/oauth2/token")]
    public async Task Anything_else_is_left_to_routing(string method, string path)
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();
        var probes = new HealthProbeRouting();
        app.MapHealthApi(probes);

        var context = await SelectAsync(probes, method, path);

        Assert.Null(context.GetEndpoint());
    }

    [Fact]
    public async Task The_probes_answer_as_before_and_other_methods_are_refused_by_routing()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var server = new SqliteServerFixture();
        await server.InitializeAsync();

        foreach (var client in new[] { server.Public, server.Admin })
        {
            foreach (var path in new[] { "/health/alive", "/health/ready", "/health/ready/" })
            {
                using var response = await client.GetAsync(path, cancel);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
                Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync(cancel));
            }

            using var posted = await client.PostAsync("/health/ready", null, cancel);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, posted.StatusCode);
        }
    }

    [Fact]
    public async Task The_warm_up_sends_one_liveness_request_through_routing_which_matches_it_itself()
    {
        var probes = new HealthProbeRouting();
        var routed = new List<HttpContext>();
        probes.Select(context =>
        {
            routed.Add(context);
            return Task.CompletedTask;
        });
        await using var services = new ServiceCollection().BuildServiceProvider();

        await probes.WarmRoutingAsync(services, TestContext.Current.CancellationToken);

        var request = Assert.Single(routed);
        Assert.Equal(HttpMethods.Get, request.Request.Method);
        Assert.Equal(HealthApi.AlivePath, request.Request.Path.Value);
        // Given no endpoint, so that routing's own matcher is what it builds.
        Assert.Null(request.GetEndpoint());
        Assert.Same(services, request.RequestServices);
    }

    private static async Task<HttpContext> SelectAsync(HealthProbeRouting probes, string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        var reached = false;
        await probes.Select(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        })(context);
        Assert.True(reached);
        return context;
    }
}
