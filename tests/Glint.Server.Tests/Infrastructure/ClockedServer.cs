using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Infrastructure;

/// <summary>Puts a test's clock in place of the server's, for every part of it, OpenIddict included.</summary>
public static class ClockedServer
{
    public static void Use(IServiceCollection services, TimeProvider clock)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton(clock);
    }
}

/// <summary>A server whose clock the test moves: every part of it, OpenIddict included, reads this one.</summary>
public interface IClockedServer
{
    FakeTimeProvider Clock { get; }
}

public sealed class SqliteClockedServer : SqliteServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class PostgresClockedServer : PostgresServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}
