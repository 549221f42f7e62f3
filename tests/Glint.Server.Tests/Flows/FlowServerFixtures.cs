using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Login and consent challenges that expire after one second (<c>ttl.login_consent_request: 1s</c>), on a clock the test
/// moves past that second instead of waiting for it.
/// </summary>
public sealed class SqliteShortChallengeServer : SqliteServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.FlowTtl] = "1s" };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class PostgresShortChallengeServer : PostgresServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.FlowTtl] = "1s" };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

/// <summary>
/// Strict refresh token rotation: no grace window, so any reuse is a replay (Hydra v2.2.0's behaviour); on a clock the
/// test moves, so that a reuse comes after the rotation rather than in the same instant.
/// </summary>
public sealed class SqliteStrictRefreshServer : SqliteServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.RefreshReuseLeeway] = "0s" };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class PostgresStrictRefreshServer : PostgresServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.RefreshReuseLeeway] = "0s" };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}
