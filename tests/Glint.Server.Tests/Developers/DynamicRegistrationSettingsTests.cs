using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Hosting;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Developers;

/// <summary>Dynamic registration with automatic approval and a per-address limit of three registrations an hour.</summary>
public abstract class AutoApprovedRegistrationServerFixture : DeveloperServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.DynamicRegistrationEnabled] = "true",
        [ConfigurationKeys.DynamicRegistrationAutoApprove] = "true",
        [ConfigurationKeys.DynamicRegistrationsPerIp] = "3",
        [ConfigurationKeys.DynamicRegistrationDefaultScope] = "openid read",
    };
}

public sealed class SqliteAutoApprovedRegistrationServerFixture : AutoApprovedRegistrationServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public sealed class PostgresAutoApprovedRegistrationServerFixture : AutoApprovedRegistrationServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public abstract class DynamicRegistrationSettingsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : AutoApprovedRegistrationServerFixture
{
    /// <summary>One test, because the three registrations the address may make in an hour are shared by everything here.</summary>
    [Fact]
    public async Task Automatic_approval_lets_the_client_get_tokens_at_once_and_each_address_is_limited()
    {
        var (status, client) = await server.RegisterAsync(new { redirect_uris = new[] { RegistrationCalls.Callback } });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("openid read", client!["scope"]!.GetValue<string>());
        var clientId = client["client_id"]!.GetValue<string>();
        var token = await server.IssueAccessTokenAsync(clientId, client["client_secret"]!.GetValue<string>(), Guid.NewGuid().ToString("D"));
        Assert.True(await server.IsActiveAsync(token));
        var (_, apps) = await server.GetJsonAsync("/admin/apps?status=approved");
        var app = apps!.AsArray().Single(entry => entry!["client_id"]?.GetValue<string>() == clientId)!;
        var (_, history) = await server.GetJsonAsync($"/admin/apps/{app["id"]}/history");
        Assert.Equal(["registered", "approved"], history!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Contains("auto_approve", history[1]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var (badScope, error) = await server.RegisterAsync(new { redirect_uris = new[] { RegistrationCalls.Callback }, scope = "offline_access" });
        Assert.Equal(HttpStatusCode.BadRequest, badScope);
        Assert.Equal("invalid_client_metadata", error!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, (await server.RegisterAsync(new { redirect_uris = new[] { RegistrationCalls.Callback } })).Status);

        var (limited, refusal) = await server.RegisterAsync(new { redirect_uris = new[] { RegistrationCalls.Callback } });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited);
        Assert.Equal("too_many_requests", refusal!["error"]!.GetValue<string>());
        Assert.Contains("3 registrations", refusal["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

public sealed class SqliteDynamicRegistrationSettingsTests(SqliteAutoApprovedRegistrationServerFixture server)
    : DynamicRegistrationSettingsTests<SqliteAutoApprovedRegistrationServerFixture>(server);

public sealed class PostgresDynamicRegistrationSettingsTests(PostgresAutoApprovedRegistrationServerFixture server)
    : DynamicRegistrationSettingsTests<PostgresAutoApprovedRegistrationServerFixture>(server);

/// <summary>Off unless the operator turns it on: every path is Hydra's 404 and discovery does not mention it.</summary>
public abstract class DynamicRegistrationOffTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : DeveloperServerFixture
{
    [Fact]
    public async Task Dynamic_registration_is_off_by_default()
    {
        foreach (var (method, path) in new[] { (HttpMethod.Post, "/oauth2/register"), (HttpMethod.Get, "/oauth2/register/x"), (HttpMethod.Put, "/oauth2/register/x"), (HttpMethod.Delete, "/oauth2/register/x") })
        {
            var (status, body) = await RegistrationCalls.SendAsync(server, method, path, "token", method == HttpMethod.Post || method == HttpMethod.Put ? "{}" : null);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("Dynamic registration is not enabled.", body!["error_description"]!.GetValue<string>());
        }

        using var response = await server.Public.GetAsync("/.well-known/openid-configuration");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(document.ContainsKey("token_endpoint"));
        Assert.False(document.ContainsKey("registration_endpoint"));
    }
}

public sealed class SqliteDynamicRegistrationOffTests(SqliteDeveloperServerFixture server) : DynamicRegistrationOffTests<SqliteDeveloperServerFixture>(server);

public sealed class PostgresDynamicRegistrationOffTests(PostgresDeveloperServerFixture server) : DynamicRegistrationOffTests<PostgresDeveloperServerFixture>(server);
