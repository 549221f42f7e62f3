using Glint.Data;
using Glint.Server.Health;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// The readiness probe's check opens a plain connection: a database that answers is reachable, one that refuses the
/// connection is not (the probe then answers 503 rather than failing).
/// </summary>
public sealed class DatabaseReachabilityTests
{
    [Fact]
    public async Task A_database_that_opens_is_reachable()
    {
        var file = Path.Combine(Path.GetTempPath(), $"glint-reachable-{Guid.NewGuid():N}.db");
        try
        {
            Assert.True(await new DatabaseReachability(DatabaseDsn.Parse("sqlite://" + file)).IsReachableAsync(TestContext.Current.CancellationToken));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_server_that_refuses_the_connection_is_not_reachable()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var dsn = DatabaseDsn.Parse("postgres://glint:glint@127.0.0.1:1/glint?sslmode=disable");

        Assert.False(await new DatabaseReachability(dsn).IsReachableAsync(TestContext.Current.CancellationToken));
    }
}
