using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Lightning.Bolt11;
using Glint.Server.Cli;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Lightning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Hosting;

/// <summary>What is stored, and how: signing keys sealed and shared across restarts, secrets hashed, migrations explicit.</summary>
public sealed class KeysAndStorageTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"glint-keys-{Guid.NewGuid():N}.db");

    private string Dsn => "sqlite://" + _path;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_path + suffix);
        }

        return ValueTask.CompletedTask;
    }

    private sealed class FixedDatabaseServer(string dsn, string secret = GlintServerFixture.Secret) : GlintServerFixture
    {
        protected override Task<string> CreateDatabaseAsync() => Task.FromResult(dsn);

        protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
            new Dictionary<string, string?> { [ConfigurationKeys.SystemSecret] = secret };
    }

    private static async Task<string[]> KeyIdsAsync(GlintServerFixture server)
    {
        var jwks = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/jwks.json"))!;
        return jwks["keys"]!.AsArray().Select(key => key!["kid"]!.GetValue<string>()).ToArray();
    }

    [Fact]
    public async Task SigningKey_SurvivesRestart_AndRotationPublishesCurrentAndPrevious()
    {
        // The CLI reads the secret from the environment, which tests leave alone: both sides use the development secret.
        string[] first;
        await using (var server = new FixedDatabaseServer(Dsn, ServerSettings.DevelopmentSecret))
        {
            await server.InitializeAsync();
            first = await KeyIdsAsync(server);
        }

        Assert.Single(first);
        Assert.Equal(0, await GlintCommandLine.Build().Parse(["keys", "rotate", "--dsn", Dsn]).InvokeAsync(
            new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null }, TestContext.Current.CancellationToken));

        await using (var server = new FixedDatabaseServer(Dsn, ServerSettings.DevelopmentSecret))
        {
            await server.InitializeAsync();
            var rotated = await KeyIdsAsync(server);
            Assert.Equal(2, rotated.Length);
            Assert.Equal(first[0], rotated[1]);
        }
    }

    [Fact]
    public async Task KeysRotate_WithAnotherSecret_RefusesInsteadOfAddingAnUnusableKey()
    {
        await using (var server = new FixedDatabaseServer(Dsn))
        {
            await server.InitializeAsync();
        }

        var exit = await GlintCommandLine.Build().Parse(["keys", "rotate", "--dsn", Dsn]).InvokeAsync(
            new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null }, TestContext.Current.CancellationToken);

        Assert.NotEqual(0, exit);
        await using var db = Database.Open(DatabaseDsn.Parse(Dsn));
        Assert.Equal(1, await db.SigningKeys.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SigningKeys_AreSealed_AndAnotherSecretCannotOpenThem()
    {
        await using (var server = new FixedDatabaseServer(Dsn))
        {
            await server.InitializeAsync();
        }

        await using (var db = Database.Open(DatabaseDsn.Parse(Dsn)))
        {
            var key = await db.SigningKeys.SingleAsync(TestContext.Current.CancellationToken);
            // A PKCS#8 RSA key starts with a DER SEQUENCE; a sealed one starts with a random nonce.
            Assert.False(key.SealedPrivateKey.AsSpan(0, 2).SequenceEqual(new byte[] { 0x30, 0x82 }));
        }

        await using var other = new FixedDatabaseServer(Dsn, "a-completely-different-secret");
        var error = await Assert.ThrowsAsync<StartupRefusedException>(async () => await other.InitializeAsync());
        Assert.Contains("system secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LightningNodeKey_IsCreatedOnce_Sealed_AndSharedByEveryNode()
    {
        await using var first = new FixedDatabaseServer(Dsn);
        await first.InitializeAsync();
        await using var second = new FixedDatabaseServer(Dsn);
        await second.InitializeAsync();

        var firstNode = first.Services.GetRequiredService<LightningNode>();
        var secondNode = second.Services.GetRequiredService<LightningNode>();
        Assert.Equal(firstNode.NodeId, secondNode.NodeId);
        Assert.Equal(Bolt11Network.Regtest, firstNode.Network);

        await using var db = Database.Open(DatabaseDsn.Parse(Dsn));
        var row = await db.LightningNodeKeys.SingleAsync(TestContext.Current.CancellationToken);
        Assert.False(row.SealedPrivateKey.AsSpan().IndexOf(firstNode.Key.ToBytes()) >= 0, "The node key is stored in the clear.");
        await using var other = new FixedDatabaseServer(Dsn, "a-completely-different-secret");
        await Assert.ThrowsAsync<StartupRefusedException>(async () => await other.InitializeAsync());
    }

    [Fact]
    public async Task ClientSecret_IsStoredHashed()
    {
        await using var server = new FixedDatabaseServer(Dsn);
        await server.InitializeAsync();
        var client = await server.CreateClientAsync(new { client_secret = "a-very-recognisable-secret", grant_types = new[] { "client_credentials" } });

        await using var db = Database.Open(DatabaseDsn.Parse(Dsn));
        var row = await db.Clients.SingleAsync(c => c.ClientId == client["client_id"]!.GetValue<string>(), TestContext.Current.CancellationToken);
        Assert.NotNull(row.ClientSecret);
        Assert.DoesNotContain("a-very-recognisable-secret", row.ClientSecret, StringComparison.Ordinal);
        Assert.DoesNotContain("a-very-recognisable-secret", row.Document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpaqueAccessToken_IsStoredOnlyAsAHash()
    {
        await using var server = new FixedDatabaseServer(Dsn);
        await server.InitializeAsync();
        var client = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read" });
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(),
            new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        var token = (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
        var reference = token["glint_at_".Length..];

        await using var db = Database.Open(DatabaseDsn.Parse(Dsn));
        var rows = await db.OAuthTokens.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(rows, row => row.ReferenceId == reference || row.ReferenceId == token);
    }

    [Fact]
    public async Task Migrate_CreatesTheSchema()
    {
        var exit = await GlintCommandLine.Build().Parse(["migrate", "--dsn", Dsn]).InvokeAsync(
            new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null }, TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        await using var db = Database.Open(DatabaseDsn.Parse(Dsn));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await db.Clients.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Serve_WithBadSettings_ExitsWithMessageNotStackTrace()
    {
        var error = new StringWriter();
        var exit = await GlintCommandLine.Build().Parse(["serve", "--dsn", "mysql://nope"]).InvokeAsync(
            new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null, Error = error }, TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.StartsWith("glint: Unsupported DSN scheme 'mysql'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_WithReachableDatabase_IsOk()
    {
        await using var server = new FixedDatabaseServer(Dsn);
        await server.InitializeAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/health/ready")).StatusCode);
    }
}
