using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Flows;

/// <summary>Login and consent challenges that expire after one second (<c>ttl.login_consent_request: 1s</c>).</summary>
public sealed class SqliteShortChallengeServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.FlowTtl] = "1s" };
}

public sealed class PostgresShortChallengeServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.FlowTtl] = "1s" };
}

/// <summary>Strict refresh token rotation: no grace window, so any reuse is a replay (Hydra v2.2.0's behaviour).</summary>
public sealed class SqliteStrictRefreshServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.RefreshReuseLeeway] = "0s" };
}

public sealed class PostgresStrictRefreshServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.RefreshReuseLeeway] = "0s" };
}
