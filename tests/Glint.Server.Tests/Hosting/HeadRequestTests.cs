using System.Globalization;
using System.Net;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// <c>HEAD</c> (RFC 9110 §9.3.2), as load balancers and uptime checkers send it: every route whose <c>GET</c> only
/// reads answers it with the <c>GET</c>'s status and headers and no body; the routes whose <c>GET</c> changes state
/// still refuse it, and none of them fails.
/// </summary>
public abstract class HeadRequestTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>The routes whose GET changes state or is not a document (see Glint.Auth.GetAndHead).</summary>
    private static readonly string[] GetWithoutHead = ["/graphql", "/lnurlp/{username}/callback", "/oauth2/auth", "/userinfo", "/oauth2/sessions/logout", "/oauth2/device/verify"];

    [Theory]
    [InlineData(false, "/health/alive")]
    [InlineData(false, "/health/ready")]
    [InlineData(true, "/health/alive")]
    [InlineData(true, "/health/ready")]
    [InlineData(true, "/admin/health/ready")]
    public async Task A_health_probe_answers_HEAD_with_the_GETs_status_and_headers_and_no_body(bool admin, string path)
    {
        var client = admin ? server.Admin : server.Public;

        var (get, head) = await GetAndHeadAsync(client, path);

        Assert.Equal(HttpStatusCode.OK, head.Status);
        AssertSameHeaders(get, head);
        Assert.Equal("application/json; charset=utf-8", head.ContentType);
        Assert.Equal(15, head.ContentLength);
    }

    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/jwks.json")]
    public async Task Discovery_and_the_JWKS_answer_HEAD_with_the_GETs_headers_and_length(string path)
    {
        // The first answer is built by OpenIddict; the next ones are replayed from memory. A HEAD gets both.
        var first = await HeadAsync(server.Public, path);
        var (get, head) = await GetAndHeadAsync(server.Public, path);

        foreach (var answer in new[] { first, head })
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            AssertSameHeaders(get, answer);
            Assert.Equal(get.BodyLength, answer.ContentLength);
        }
    }

    [Theory]
    [InlineData(false, "/.well-known/lnurlp/nobody_here")]
    [InlineData(false, "/oauth2/fallbacks/logout/callback")]
    [InlineData(false, "/ui/glint.css")]
    [InlineData(true, "/clients")]
    [InlineData(true, "/admin/clients/nobody_here")]
    [InlineData(true, "/admin/apps")]
    [InlineData(true, "/admin/audit")]
    [InlineData(true, "/admin/oauth2/auth/requests/login?login_challenge=unknown")]
    [InlineData(true, "/admin/oauth2/auth/requests/consent")]
    [InlineData(true, "/admin/oauth2/auth/sessions/consent?subject=nobody")]
    [InlineData(true, "/admin/ui/glint.css")]
    public async Task A_read_answers_HEAD_as_it_answers_GET(bool admin, string path)
    {
        var (get, head) = await GetAndHeadAsync(admin ? server.Admin : server.Public, path);

        Assert.Equal(get.Status, head.Status);
        AssertSameHeaders(get, head);
    }

    [Theory]
    [InlineData(false, "/auth/email/code")]
    [InlineData(true, "/admin/oauth2/introspect")]
    [InlineData(true, "/admin/oauth2/auth/requests/login/accept")]
    public async Task A_HEAD_on_a_route_without_GET_is_refused_with_the_methods_it_takes(bool admin, string path)
    {
        var head = await HeadAsync(admin ? server.Admin : server.Public, path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, head.Status);
        Assert.NotEmpty(head.Allow);
        Assert.DoesNotContain("HEAD", head.Allow);
        Assert.DoesNotContain("GET", head.Allow);
    }

    [Theory]
    [InlineData("/lnurlp/nobody_here/callback?amount=1000", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/graphql?query=%7Bglobals%7Bnetwork%7D%7D", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/oauth2/auth?client_id=unknown&response_type=code", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/oauth2/sessions/logout", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/oauth2/device/verify", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/userinfo", HttpStatusCode.BadRequest)]
    public async Task A_GET_that_changes_state_or_runs_a_query_still_refuses_HEAD(string path, HttpStatusCode refused)
    {
        var head = await HeadAsync(server.Public, path);

        Assert.Equal(refused, head.Status);
    }

    [Fact]
    public void Every_route_that_answers_GET_answers_HEAD_unless_its_GET_changes_state()
    {
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => (Pattern: endpoint.RoutePattern.RawText ?? "", Methods: endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(route => route.Methods?.Contains(HttpMethods.Get) == true)
            .ToList();

        Assert.NotEmpty(routes);
        Assert.All(routes, route => Assert.True(
            route.Methods!.Contains(HttpMethods.Head) != GetWithoutHead.Contains(route.Pattern),
            $"{route.Pattern} takes {string.Join(", ", route.Methods!)}"));
    }

    private sealed record Answer(HttpStatusCode Status, string? ContentType, long? ContentLength, string CacheControl, IReadOnlyList<string> Allow, long BodyLength);

    private static async Task<(Answer Get, Answer Head)> GetAndHeadAsync(HttpClient client, string path)
    {
        using var get = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await get.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        return (Read(get, body.Length), await HeadAsync(client, path));
    }

    private static async Task<Answer> HeadAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, path);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Empty(body);
        return Read(response, body.Length);
    }

    private static Answer Read(HttpResponseMessage response, long bodyLength) => new(
        response.StatusCode,
        response.Content.Headers.ContentType?.ToString(),
        // As sent: HttpClient's ContentLength would count a GET's buffered body when the header is absent.
        response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var length) ? long.Parse(length.ToString(), CultureInfo.InvariantCulture) : null,
        response.Headers.CacheControl?.ToString() ?? "",
        [.. response.Content.Headers.Allow],
        bodyLength);

    /// <summary>GET's headers: the type, the caching rule, and the length whenever GET gave one.</summary>
    private static void AssertSameHeaders(Answer get, Answer head)
    {
        Assert.Equal(get.ContentType, head.ContentType);
        Assert.Equal(get.CacheControl, head.CacheControl);
        if (get.ContentLength is { } length)
        {
            Assert.Equal(length, head.ContentLength);
        }
    }
}

public sealed class SqliteHeadRequestTests(SqliteServerFixture server) : HeadRequestTests<SqliteServerFixture>(server);

public sealed class PostgresHeadRequestTests(PostgresServerFixture server) : HeadRequestTests<PostgresServerFixture>(server);
