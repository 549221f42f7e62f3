using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// Every SQLite connection the server uses waits for the write lock in SQLite's own busy handler: without it, a writer
/// that meets another gets SQLITE_BUSY at once and sleeps in the driver, and concurrent sign-ins idle.
/// </summary>
public sealed class SqliteBusyTimeoutTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task Connections_OpenedByTheServer_WaitForTheWriteLockInSqlite()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        Assert.Equal(30_000L, Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture));
    }
}
