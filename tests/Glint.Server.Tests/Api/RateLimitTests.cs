using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Api;

/// <summary>
/// A server whose API allows three requests per two-second window to each credential, behind a proxy on loopback, on
/// a clock the test moves.
/// </summary>
public sealed class SqliteRateLimitedServer : SqliteServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => RateLimitTests<SqliteRateLimitedServer>.Limits;

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class PostgresRateLimitedServer : PostgresServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => RateLimitTests<PostgresRateLimitedServer>.Limits;

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

/// <summary>Per-credential limits on <c>/graphql</c>: over the limit is a 429 with Retry-After, and it recovers after the window.</summary>
public abstract class RateLimitTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    public static readonly IReadOnlyDictionary<string, string?> Limits = new Dictionary<string, string?>
    {
        ["api:rate_limits:per_client"] = "3",
        ["api:rate_limits:per_api_key"] = "3",
        ["api:rate_limits:per_ip"] = "3",
        ["api:rate_limits:window"] = "00:00:02",
        ["serve:trusted_proxies"] = "127.0.0.1",
    };

    private const string Me = "query { me { id } }";

    [Fact]
    public async Task An_api_key_over_its_limit_gets_429_with_retry_after_then_recovers_and_other_keys_are_unaffected()
    {
        var user = await server.NewUserAsync();
        var first = (await server.DataAsync(user.Token, """mutation { apiKeyCreate(input: {name: "one"}) { apiKeySecret } }"""))["apiKeyCreate"]!["apiKeySecret"].Str();
        var second = (await server.DataAsync(user.Token, """mutation { apiKeyCreate(input: {name: "two"}) { apiKeySecret } }"""))["apiKeyCreate"]!["apiKeySecret"].Str();

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await server.PostGraphQLWithAsync("X-API-KEY", first, Me);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.Equal(429, JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<int>());
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            using (var other = await server.PostGraphQLWithAsync("X-API-KEY", second, Me))
            {
                Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            }

            // Retry-After is whole seconds, rounded up: once it has passed, the next window has begun.
            server.Clock.Advance(retryAfter.Value);
        }

        using var recovered = await server.PostGraphQLWithAsync("X-API-KEY", first, Me);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task Anonymous_calls_are_limited_per_address()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await server.PostGraphQLAsync(null, "query { globals { network } }");
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Lightning_address_endpoints_count_against_the_anonymous_budget_of_the_address()
    {
        var statuses = new List<HttpStatusCode>();
        var refusals = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, i % 2 == 0 ? "/.well-known/lnurlp/nobody_here" : "/lnurlp/nobody_here/callback?amount=1000");
            request.Headers.Add("X-Forwarded-For", "203.0.113.20");
            using var response = await server.Public.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusals.Add(await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        // In LNURL's error shape (LUD-06), which the paying wallet reads, on both endpoints.
        Assert.All(refusals, body =>
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(body)!;
            Assert.Equal("ERROR", json["status"]!.GetValue<string>());
            Assert.Contains("Retry-After", json["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.True(refusals.Count >= 2);
    }

    [Fact]
    public async Task A_HEAD_on_the_Lightning_address_counts_against_the_same_budget_as_a_GET()
    {
        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, "/.well-known/lnurlp/nobody_here");
            request.Headers.Add("X-Forwarded-For", "203.0.113.30");
            using var response = await server.Public.SendAsync(request);
            statuses.Add(response.StatusCode);
            retryAfter = response.Headers.RetryAfter?.ToString();
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(retryAfter);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_address_has_its_own_budget()
    {
        async Task<HttpStatusCode> CallAsync(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = System.Net.Http.Json.JsonContent.Create(new { query = "query { globals { network } }" }) };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await server.Public.SendAsync(request);
            return response.StatusCode;
        }

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            first.Add(await CallAsync("203.0.113.10"));
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, first);
        Assert.Equal(HttpStatusCode.OK, await CallAsync("203.0.113.11"));
    }
}

public sealed class SqliteRateLimitTests(SqliteRateLimitedServer server) : RateLimitTests<SqliteRateLimitedServer>(server);

public sealed class PostgresRateLimitTests(PostgresRateLimitedServer server) : RateLimitTests<PostgresRateLimitedServer>(server);
