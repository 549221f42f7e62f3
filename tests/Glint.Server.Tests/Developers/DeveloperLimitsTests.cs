using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Developers;

/// <summary>A server with small developer limits and a published list without <c>write</c>.</summary>
public abstract class LimitedDeveloperServerFixture : DeveloperServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.DeveloperMaxApps] = "2",
        [ConfigurationKeys.DeveloperRegistrationsPerDay] = "3",
        [ConfigurationKeys.DeveloperScopes] = "openid,read,receive",
    };
}

public sealed class SqliteLimitedDeveloperServerFixture : LimitedDeveloperServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public sealed class PostgresLimitedDeveloperServerFixture : LimitedDeveloperServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public abstract class DeveloperLimitsTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : LimitedDeveloperServerFixture
{
    [Fact]
    public async Task A_developer_has_at_most_the_configured_apps_and_registrations_a_day_and_only_published_scopes()
    {
        using var developer = await Developer.SignInAsync(server);
        Assert.StartsWith("Scopes: 'write' is not a scope this server offers; choose from openid, read, receive",
            (await developer.RegisterAsync(scopes: ["write"])).Text("error"), StringComparison.Ordinal);
        var (form, _) = await developer.Pages.GoAsync("/developers/new");
        Assert.False(form!.Has("app-scope-write"));
        Assert.True(form.Has("app-scope-receive"));

        var first = Developer.AppId(await developer.RegisterAsync(name: "One"));
        Developer.AppId(await developer.RegisterAsync(name: "Two"));
        Assert.Equal("You have 2 apps, the most one developer may have: delete one first.", (await developer.RegisterAsync(name: "Three")).Text("error"));

        var page = await developer.AppPageAsync(first);
        await developer.Pages.SubmitAsync(page, $"/developers/apps/{first:D}?handler=Delete", []);
        var three = Developer.AppId(await developer.RegisterAsync(name: "Three"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await developer.AppPageAsync(first)).Status);

        await developer.Pages.SubmitAsync(await developer.AppPageAsync(three), $"/developers/apps/{three:D}?handler=Delete", []);
        Assert.Equal("You have registered 3 apps in the last 24 hours, the most allowed: try again tomorrow.", (await developer.RegisterAsync(name: "Four")).Text("error"));

        server.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        using var later = await Developer.SignInAsync(server, developer.Email);
        Assert.Equal("Pending review", (await later.RegisterAsync(name: "Five")).Text("app-status"));
    }
}

public sealed class SqliteDeveloperLimitsTests(SqliteLimitedDeveloperServerFixture server) : DeveloperLimitsTests<SqliteLimitedDeveloperServerFixture>(server);

public sealed class PostgresDeveloperLimitsTests(PostgresLimitedDeveloperServerFixture server) : DeveloperLimitsTests<PostgresLimitedDeveloperServerFixture>(server);
