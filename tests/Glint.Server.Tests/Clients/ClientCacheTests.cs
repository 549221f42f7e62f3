using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Clients;

/// <summary>
/// The node caches clients for the token path. The servers here keep entries for ten minutes, so when a change is seen
/// at once, only the eviction that the change announced can explain it.
/// </summary>
public abstract class ClientCacheTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task A_rotated_secret_is_required_at_once()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);

        using var rotated = await server.Admin.PutAsync($"/admin/clients/{Uri.EscapeDataString(id)}",
            HydraClientCalls.Json(ClientCacheCalls.Body(id, secret: "a-new-secret-of-enough-length", scope: "read write")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCacheCalls.TokenStatusAsync(server, id, secret));
        Assert.Equal(HttpStatusCode.OK, await ClientCacheCalls.TokenStatusAsync(server, id, "a-new-secret-of-enough-length"));
    }

    [Fact]
    public async Task A_narrowed_client_is_held_to_its_new_scope_at_once()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);

        using var patched = await server.Admin.PatchAsync($"/admin/clients/{Uri.EscapeDataString(id)}",
            HydraClientCalls.Json("""[{"op":"replace","path":"/scope","value":"write"}]"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, await ClientCacheCalls.TokenStatusAsync(server, id, secret, scope: "read"));
        Assert.Equal(HttpStatusCode.OK, await ClientCacheCalls.TokenStatusAsync(server, id, secret, scope: "write"));
    }

    [Fact]
    public async Task A_changed_token_strategy_applies_to_the_next_token()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);

        using var patched = await server.Admin.PatchAsync($"/admin/clients/{Uri.EscapeDataString(id)}",
            HydraClientCalls.Json("""[{"op":"replace","path":"/access_token_strategy","value":"jwt"}]"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        var token = (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
        Assert.Equal(3, token.Split('.').Length);
    }

    [Fact]
    public async Task A_changed_auth_method_is_enforced_on_the_next_token()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);

        using var patched = await server.Admin.PatchAsync($"/admin/clients/{Uri.EscapeDataString(id)}",
            HydraClientCalls.Json("""[{"op":"replace","path":"/token_endpoint_auth_method","value":"client_secret_post"}]"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        // The same request as before (client_secret_basic), now refused by the client's new registration.
        Assert.Equal("invalid_client", await ClientCacheCalls.TokenErrorAsync(server, id, secret));
    }

    [Fact]
    public async Task A_client_that_must_bind_its_tokens_gets_none_without_a_proof_on_the_next_token()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);

        using var patched = await server.Admin.PatchAsync($"/admin/clients/{Uri.EscapeDataString(id)}",
            HydraClientCalls.Json("""[{"op":"replace","path":"/dpop_bound_access_tokens","value":true}]"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        Assert.Equal("invalid_dpop_proof", await ClientCacheCalls.TokenErrorAsync(server, id, secret));
    }

    [Fact]
    public async Task A_deleted_client_gets_no_token_at_once()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);

        using var deleted = await server.Admin.DeleteAsync($"/admin/clients/{Uri.EscapeDataString(id)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCacheCalls.TokenStatusAsync(server, id, secret));
    }

    [Fact]
    public async Task A_token_that_cannot_be_stored_is_refused_with_an_oauth_error_and_not_stored()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);

        // Behind Glint's back, so that nothing is announced: the node still has the client, the database no longer
        // does, and the token entry's foreign key refuses the write.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            await db.OAuthTokens.Where(token => token.Subject == id).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, await db.Clients.Where(client => client.ClientId == id).ExecuteDeleteAsync(TestContext.Current.CancellationToken));
        }

        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var body = JsonNode.Parse(text)!;
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("server_error", body["error"]!.GetValue<string>());
        Assert.Null(body["access_token"]);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            Assert.Equal(0, await db.OAuthTokens.CountAsync(token => token.Subject == id, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Concurrent_tokens_that_cannot_be_stored_each_get_an_oauth_error_while_the_others_are_issued()
    {
        const int EachClient = 24;
        var (gone, goneSecret) = await ClientCacheCalls.CachedClientAsync(server);
        var (kept, keptSecret) = await ClientCacheCalls.CachedClientAsync(server);

        // As above, behind Glint's back: the entries of one client's tokens break their foreign key, and when they
        // share a commit with the other client's, the batch fails and its writes are committed again one by one.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            await db.OAuthTokens.Where(token => token.Subject == gone).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
            Assert.Equal(1, await db.Clients.Where(client => client.ClientId == gone).ExecuteDeleteAsync(TestContext.Current.CancellationToken));
        }

        var requests = Enumerable.Range(0, EachClient * 2)
            .Select(i => i % 2 == 0 ? TokenAsync(gone, goneSecret) : TokenAsync(kept, keptSecret)).ToArray();
        var answers = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        for (var i = 0; i < answers.Length; i++)
        {
            var (status, body) = answers[i];
            if (i % 2 == 0)
            {
                Assert.Equal(HttpStatusCode.InternalServerError, status);
                Assert.Equal("server_error", body["error"]!.GetValue<string>());
                Assert.Null(body["access_token"]);
            }
            else
            {
                Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
                Assert.True((await server.IntrospectAsync(body["access_token"]!.GetValue<string>()))["active"]!.GetValue<bool>());
            }
        }
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> TokenAsync(string id, string secret)
    {
        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!);
    }
}

public sealed class SqliteClientCacheTests(SqliteLongCacheServer server) : ClientCacheTests<SqliteLongCacheServer>(server);

public sealed class PostgresClientCacheTests(PostgresLongCacheServer server) : ClientCacheTests<PostgresLongCacheServer>(server);

/// <summary>
/// Two nodes on one PostgreSQL database, each caching for ten minutes: a client changed on one node is seen on the
/// other soon after, which only <c>LISTEN/NOTIFY</c> can explain.
/// </summary>
public sealed class PostgresCrossNodeClientTests(PostgresLongCacheServer server) : IClassFixture<PostgresLongCacheServer>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private GlintNode _other = null!;

    public async ValueTask InitializeAsync()
    {
        _other = new GlintNode(server.Dsn, new Dictionary<string, string?>(LongCacheSettings.Values)
        {
            [ConfigurationKeys.Issuer] = $"http://127.0.0.1:{server.PublicPort}",
        });
        await _other.InitializeAsync();
    }

    public ValueTask DisposeAsync() => _other.DisposeAsync();

    [Fact]
    public async Task A_secret_rotated_on_one_node_is_required_on_the_other()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);
        Assert.Equal(HttpStatusCode.OK, await ClientCacheCalls.TokenStatusAsync(_other, id, secret));

        using var rotated = await server.Admin.PutAsync($"/admin/clients/{Uri.EscapeDataString(id)}",
            HydraClientCalls.Json(ClientCacheCalls.Body(id, secret: "a-new-secret-of-enough-length", scope: "read write")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);

        await EventuallyAsync(HttpStatusCode.Unauthorized, () => ClientCacheCalls.TokenStatusAsync(_other, id, secret));
        Assert.Equal(HttpStatusCode.OK, await ClientCacheCalls.TokenStatusAsync(_other, id, "a-new-secret-of-enough-length"));
    }

    [Fact]
    public async Task A_client_narrowed_on_one_node_is_held_to_it_on_the_other()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);
        Assert.Equal(HttpStatusCode.OK, await ClientCacheCalls.TokenStatusAsync(_other, id, secret));

        using var patched = await server.Admin.PatchAsync($"/admin/clients/{Uri.EscapeDataString(id)}",
            HydraClientCalls.Json("""[{"op":"replace","path":"/scope","value":"write"}]"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        await EventuallyAsync(HttpStatusCode.BadRequest, () => ClientCacheCalls.TokenStatusAsync(_other, id, secret, scope: "read"));
    }

    [Fact]
    public async Task A_client_deleted_on_one_node_gets_no_token_on_the_other()
    {
        var (id, secret) = await ClientCacheCalls.CachedClientAsync(server);
        Assert.Equal(HttpStatusCode.OK, await ClientCacheCalls.TokenStatusAsync(_other, id, secret));

        using var deleted = await server.Admin.DeleteAsync($"/admin/clients/{Uri.EscapeDataString(id)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await EventuallyAsync(HttpStatusCode.Unauthorized, () => ClientCacheCalls.TokenStatusAsync(_other, id, secret));
    }

    /// <summary>Waits for the notification to arrive; far inside the ten-minute bound, so only an eviction explains it.</summary>
    private static async Task EventuallyAsync(HttpStatusCode expected, Func<Task<HttpStatusCode>> call)
    {
        var deadline = DateTime.UtcNow + Patience;
        HttpStatusCode status;
        while ((status = await call()) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(expected, status);
    }
}

internal static class ClientCacheCalls
{
    public static Dictionary<string, object?> Body(string? id, string? secret, string scope) => new()
    {
        ["client_id"] = id,
        ["client_secret"] = secret,
        ["grant_types"] = new[] { "client_credentials" },
        ["scope"] = scope,
    };

    /// <summary>A new client that has had a token, so the node has it cached.</summary>
    public static async Task<(string Id, string Secret)> CachedClientAsync(GlintServerFixture server)
    {
        var client = await server.CreateClientAsync(Body(null, null, "read write"));
        var id = client["client_id"]!.GetValue<string>();
        var secret = client["client_secret"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await TokenStatusAsync(server, id, secret));
        return (id, secret);
    }

    /// <summary>The OAuth error a client_credentials request gets (client_secret_basic), or null for a token.</summary>
    public static async Task<string?> TokenErrorAsync(GlintServerFixture server, string id, string secret)
    {
        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["error"]?.GetValue<string>();
    }

    public static async Task<HttpStatusCode> TokenStatusAsync(GlintServerFixture server, string id, string secret, string scope = "read")
    {
        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode == HttpStatusCode.OK || body?["error"] is not null, $"{(int)response.StatusCode} without an OAuth error");
        return response.StatusCode;
    }
}
