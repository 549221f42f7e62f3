using Glint.Data;
using Glint.Data.Postgres;
using Glint.Server.Tests.Infrastructure;
using Npgsql;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// Glint's PostgreSQL connections name the statement of a batch that failed: the ledger's batch tells a notification
/// that failed after the payment's COMMIT (the payment stands, its caller is told so) from a refused payment by it.
/// </summary>
public sealed class PostgresFailedStatementTests
{
    [Fact]
    public async Task A_failed_batch_names_the_statement_that_failed()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        await using var source = NpgsqlDataSource.Create(PostgresDatabase.ConnectionString(DatabaseDsn.Parse(database.Dsn)));
        await using var connection = await source.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new NpgsqlBatchCommand("SELECT 1"), new NpgsqlBatchCommand("SELECT 1 / 0") },
        };

        var failed = await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));

        Assert.Same(batch.BatchCommands[1], failed.BatchCommand);
    }
}
