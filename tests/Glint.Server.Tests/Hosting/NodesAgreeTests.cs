using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// Several nodes on one database, as behind a load balancer: whatever a client sends, every node announces the
/// configured issuer's URLs, and nodes started at the same moment share one signing key.
/// </summary>
public abstract class NodesAgreeTests(DatabaseKind kind, int nodes) : IAsyncLifetime
{
    /// <summary>Not any node's own address: every URL a node announces must come from it, never from the request.</summary>
    private const string Issuer = "http://glint.test:4444";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        [ConfigurationKeys.Issuer] = Issuer,
        [ConfigurationKeys.Dev] = "true",
    };

    private static readonly string[] DiscoveryPaths =
        ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server", "/.well-known/jwks.json"];

    private TestDatabase _database = null!;
    private GlintNode[] _nodes = [];

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(kind);
        _nodes = await GlintNode.StartAllAsync(_database.Dsn, nodes, Settings);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_foreign_Host_sent_first_changes_nothing_any_node_announces()
    {
        foreach (var node in _nodes)
        {
            foreach (var path in DiscoveryPaths)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Host = "evil.example:666";
                request.Headers.Add("X-Forwarded-Host", "evil.example:666");
                request.Headers.Add("X-Forwarded-Proto", "https");
                using var poisoned = await node.Public.SendAsync(request, TestContext.Current.CancellationToken);
                var body = await poisoned.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                Assert.DoesNotContain("evil.example", body, StringComparison.Ordinal);
            }
        }

        var answers = new List<string>();
        foreach (var node in _nodes)
        {
            var document = JsonNode.Parse(await node.Public.GetStringAsync("/.well-known/openid-configuration", TestContext.Current.CancellationToken))!.AsObject();
            Assert.Equal(Issuer, document["issuer"]!.GetValue<string>());
            foreach (var field in (string[])["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint", "end_session_endpoint"])
            {
                Assert.StartsWith(Issuer + "/", document[field]!.GetValue<string>(), StringComparison.Ordinal);
            }

            Assert.Equal(Issuer + "/oauth2/token", document["token_endpoint"]!.GetValue<string>());
            Assert.Equal(Issuer + "/.well-known/jwks.json", document["jwks_uri"]!.GetValue<string>());
            foreach (var path in DiscoveryPaths)
            {
                answers.Add(path + await node.Public.GetStringAsync(path, TestContext.Current.CancellationToken));
            }
        }

        // Every node announces the same documents, byte for byte.
        Assert.Equal(DiscoveryPaths.Length, answers.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Redirects_to_the_login_page_come_from_the_issuer_not_the_Host()
    {
        var client = await _nodes[0].CreateClientAsync(new
        {
            grant_types = new[] { "authorization_code" },
            response_types = new[] { "code" },
            scope = "openid read",
            redirect_uris = new[] { "http://127.0.0.1:5555/callback" },
        });
        foreach (var node in _nodes)
        {
            using var handler = new HttpClientHandler { AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = node.Public.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get,
                $"/oauth2/auth?response_type=code&client_id={client["client_id"]}&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcallback&scope=openid%20read&state=abcdefgh");
            request.Headers.Host = "evil.example:666";
            request.Headers.Add("X-Forwarded-Host", "evil.example:666");
            request.Headers.Add("X-Forwarded-Proto", "https");
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith(Issuer + "/login?login_challenge=", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_burst_of_code_requests_spread_over_the_nodes_sends_exactly_the_limits()
    {
        // Forty requests at once, round robin over the nodes, as a load balancer spreads an attacker's burst; all come
        // from 127.0.0.1. One email first (4 codes per email), then forty emails (16 codes per address in all).
        var email = $"burst-{Guid.NewGuid():N}@example.com";
        Assert.Equal(4, await BurstAsync(_ => email));
        Assert.Equal(16 - 4, await BurstAsync(i => $"burst-{i}-{Guid.NewGuid():N}@example.com"));

        await using var db = Database.Open(DatabaseDsn.Parse(_database.Dsn));
        Assert.Equal(4, await db.LoginCodes.CountAsync(code => code.Email == email, TestContext.Current.CancellationToken));
        Assert.Equal(16, await db.LoginCodes.CountAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Forty code requests released at once over the nodes; how many were sent a code.</summary>
    private async Task<int> BurstAsync(Func<int, string> email)
    {
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await _nodes[i % _nodes.Length].Public.PostAsJsonAsync("/auth/email/code", new { email = email(i) });
            return response.StatusCode;
        }).ToList();
        start.Release(40);
        var statuses = await Task.WhenAll(requests);
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, $"unexpected {status}"));
        return statuses.Count(status => status == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Nodes_started_together_publish_one_key_and_accept_each_others_JWTs()
    {
        var jwks = new List<string>();
        foreach (var node in _nodes)
        {
            jwks.Add(await node.Public.GetStringAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken));
        }

        Assert.Single(jwks.Distinct(StringComparer.Ordinal));
        Assert.Single(JsonNode.Parse(jwks[0])!["keys"]!.AsArray());

        var client = await _nodes[0].CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read", access_token_strategy = "jwt" });
        foreach (var issuing in _nodes)
        {
            using var response = await issuing.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(),
                new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var token = (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
            Assert.Equal(3, token.Split('.').Length);
            foreach (var checking in _nodes)
            {
                var introspection = await checking.IntrospectAsync(token);
                Assert.True(introspection["active"]!.GetValue<bool>(), $"a JWT issued on one node is inactive on another: {introspection}");
            }
        }

        await using var db = Database.Open(DatabaseDsn.Parse(_database.Dsn));
        Assert.Equal(1, await db.SigningKeys.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, await db.LightningNodeKeys.CountAsync(TestContext.Current.CancellationToken));
        if (kind == DatabaseKind.Postgres)
        {
            // PostgreSQL nodes create the login pages' first key at start, one at a time (SQLite's one process on first use).
            Assert.Equal(1, await db.DataProtectionKeys.CountAsync(TestContext.Current.CancellationToken));
        }
    }
}

public sealed class PostgresNodesAgreeTests() : NodesAgreeTests(DatabaseKind.Postgres, nodes: 3);

public sealed class SqliteNodesAgreeTests() : NodesAgreeTests(DatabaseKind.Sqlite, nodes: 1);
