using System.Net;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Api;

/// <summary>
/// The API's validation cache: a validated credential is served without the database for the revocation bound, and
/// every revocation still ends it on its next use. The servers here keep entries for ten minutes, so nothing but an
/// eviction can explain a refusal.
/// </summary>
public abstract class TokenCacheTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Me = "query { me { id } }";

    [Fact]
    public async Task A_validated_token_is_served_from_the_cache_without_reading_the_database()
    {
        var (_, userId, access, _) = await server.ConnectedAppAsync();

        // Behind Glint's back, so that no revocation is announced: only the database forgets the token.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            Assert.NotEqual(0, await db.OAuthTokens.Where(token => token.Subject == userId.ToString()).ExecuteDeleteAsync());
        }

        Assert.Equal(HttpStatusCode.OK, await server.MeStatusAsync(access));
        Assert.True(await server.IsActiveAsync(access), "introspection and the API must agree");
    }

    [Fact]
    public async Task A_refresh_ends_the_cached_access_token_it_replaces()
    {
        var (client, _, access, refresh) = await server.ConnectedAppAsync();

        using var refreshed = await server.RefreshAsync(client, refresh);
        var tokens = await FlowCalls.OkJsonAsync(refreshed, "refresh");

        Assert.Equal(HttpStatusCode.Unauthorized, await server.MeStatusAsync(access));
        Assert.Equal(HttpStatusCode.OK, await server.MeStatusAsync(tokens["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_cached_jwt_access_token_is_refused_once_revoked()
    {
        var (client, _, access, _) = await server.ConnectedAppAsync(jwt: true);
        Assert.Equal(3, access.Split('.').Length);
        var header = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(access.Split('.')[0]));
        Assert.Contains("\"alg\":\"RS256\"", header, StringComparison.Ordinal); // verifiable with the published keys, not the internal HMAC key

        await server.RevokeTokenAsync(client, access);

        Assert.Equal(HttpStatusCode.Unauthorized, await server.MeStatusAsync(access));
        Assert.False(await server.IsActiveAsync(access));
    }

    [Fact]
    public async Task Deleting_the_client_refuses_its_cached_tokens()
    {
        var (client, _, access, _) = await server.ConnectedAppAsync();

        using var deleted = await server.Admin.DeleteAsync($"/admin/clients/{Uri.EscapeDataString(client.Id)}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await server.MeStatusAsync(access));
    }

    [Fact]
    public async Task A_cached_api_key_is_refused_once_revoked()
    {
        var user = await server.NewUserAsync(grant: ["read", "write"]);
        var (id, secret) = await server.CreateUsedApiKeyAsync(user.Token);

        await server.RevokeApiKeyAsync(user.Token, id);

        using var response = await server.PostGraphQLWithAsync("X-API-KEY", secret, Me);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public static class LongCacheSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?> { [ConfigurationKeys.RevocationBound] = "10m" };
}

public sealed class SqliteLongCacheServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => LongCacheSettings.Values;
}

public sealed class PostgresLongCacheServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => LongCacheSettings.Values;
}

public sealed class SqliteTokenCacheTests(SqliteLongCacheServer server) : TokenCacheTests<SqliteLongCacheServer>(server);

public sealed class PostgresTokenCacheTests(PostgresLongCacheServer server) : TokenCacheTests<PostgresLongCacheServer>(server);

/// <summary>With a revocation bound of zero nothing is cached: the database decides every call.</summary>
public abstract class UncachedTokenTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Without_a_cache_a_token_gone_from_the_database_is_refused_at_once()
    {
        var (_, userId, access, _) = await server.ConnectedAppAsync();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            await db.OAuthTokens.Where(token => token.Subject == userId.ToString()).ExecuteDeleteAsync();
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await server.MeStatusAsync(access));
    }
}

public static class NoCacheSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?> { [ConfigurationKeys.RevocationBound] = "0s" };
}

public sealed class SqliteNoCacheServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => NoCacheSettings.Values;
}

public sealed class PostgresNoCacheServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => NoCacheSettings.Values;
}

public sealed class SqliteUncachedTokenTests(SqliteNoCacheServer server) : UncachedTokenTests<SqliteNoCacheServer>(server);

public sealed class PostgresUncachedTokenTests(PostgresNoCacheServer server) : UncachedTokenTests<PostgresNoCacheServer>(server);

/// <summary>
/// Two nodes on one PostgreSQL database, each caching for ten minutes: a credential cached on one node is refused
/// there soon after it is revoked on the other, which only <c>LISTEN/NOTIFY</c> can explain.
/// </summary>
public sealed class PostgresCrossNodeRevocationTests(PostgresLongCacheServer server) : IClassFixture<PostgresLongCacheServer>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly SecondNode _other = new(server.Dsn, $"http://127.0.0.1:{server.PublicPort}");

    /// <summary>Another node behind the same issuer, as behind a load balancer.</summary>
    private sealed class SecondNode(string dsn, string issuer) : GlintServerFixture
    {
        protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
            new Dictionary<string, string?>(LongCacheSettings.Values) { [ConfigurationKeys.Issuer] = issuer };

        protected override Task<string> CreateDatabaseAsync() => Task.FromResult(dsn);
    }

    public ValueTask InitializeAsync() => _other.InitializeAsync();

    public ValueTask DisposeAsync() => _other.DisposeAsync();

    [Fact]
    public async Task A_token_revoked_on_one_node_is_refused_on_the_other()
    {
        var (client, _, access, _) = await server.ConnectedAppAsync();
        Assert.Equal(HttpStatusCode.OK, await _other.MeStatusAsync(access));

        await server.RevokeTokenAsync(client, access);

        await EventuallyRefusedAsync(() => _other.MeStatusAsync(access));
    }

    [Fact]
    public async Task A_consent_revoked_on_one_node_ends_its_tokens_on_the_other()
    {
        var (client, userId, access, _) = await server.ConnectedAppAsync();
        Assert.Equal(HttpStatusCode.OK, await _other.MeStatusAsync(access));

        using var revoked = await server.Admin.DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={userId}&client={Uri.EscapeDataString(client.Id)}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        await EventuallyRefusedAsync(() => _other.MeStatusAsync(access));
    }

    [Fact]
    public async Task An_api_key_revoked_on_one_node_is_refused_on_the_other()
    {
        var user = await server.NewUserAsync(grant: ["read", "write"]);
        var (id, secret) = await server.CreateUsedApiKeyAsync(user.Token);
        using (var cached = await _other.PostGraphQLWithAsync("X-API-KEY", secret, "query { me { id } }"))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }

        await server.RevokeApiKeyAsync(user.Token, id);

        await EventuallyRefusedAsync(async () =>
        {
            using var response = await _other.PostGraphQLWithAsync("X-API-KEY", secret, "query { me { id } }");
            return response.StatusCode;
        });
    }

    /// <summary>Waits for the notification to arrive; far inside the ten-minute bound, so only an eviction can refuse.</summary>
    private static async Task EventuallyRefusedAsync(Func<Task<HttpStatusCode>> call)
    {
        var deadline = DateTime.UtcNow + Patience;
        HttpStatusCode status;
        while ((status = await call()) == HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
