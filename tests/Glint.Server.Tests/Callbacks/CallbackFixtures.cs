using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// A server whose clock is a <see cref="FakeTimeProvider"/> the tests move, and which allows plain http and private
/// targets, so that its callbacks can reach a receiver on loopback.
/// </summary>
public abstract class CallbackServerFixture : GlintServerFixture
{
    public static readonly IReadOnlyDictionary<string, string?> LoopbackReceivers = new Dictionary<string, string?>
    {
        [ConfigurationKeys.WebhooksAllowHttp] = "true",
        [ConfigurationKeys.WebhooksAllowPrivateTargets] = "true",
    };

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => LoopbackReceivers;

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class SqliteCallbackServerFixture : CallbackServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public sealed class PostgresCallbackServerFixture : CallbackServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

/// <summary>
/// A node on a database that outlives it (for restarts), with the clock a test gives it, and any settings it adds
/// (another node's issuer, so that node's tokens hold here; a retry schedule).
/// </summary>
public sealed class CallbackNode(string dsn, FakeTimeProvider clock, IReadOnlyDictionary<string, string?>? settings = null) : GlintServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => settings is null
        ? CallbackServerFixture.LoopbackReceivers
        : CallbackServerFixture.LoopbackReceivers.Concat(settings).ToDictionary();

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(dsn);

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, clock);
}
