using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// A start asks the migration history whether a migration is pending with one plain query; it must answer as EF Core's
/// own check does, or a node would start on a schema older than its code (or migrate one that is current).
/// </summary>
public abstract class PendingMigrationTests(DatabaseKind kind) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync(kind);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_new_database_has_every_migration_pending_a_migrated_one_none_and_one_missing_a_row_is_pending_again()
    {
        var dsn = DatabaseDsn.Parse(_database.Dsn);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using (var db = Database.Open(dsn))
        {
            Assert.True(await Database.HasPendingMigrationsAsync(db, cancellationToken));
        }

        await Database.MigrateAsync(dsn, cancellationToken);
        await using (var db = Database.Open(dsn))
        {
            Assert.False(await Database.HasPendingMigrationsAsync(db, cancellationToken));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(cancellationToken));

            var latest = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Last();
            await db.Database.ExecuteSqlRawAsync(
                "DELETE FROM \"" + HistoryRepository.DefaultTableName + "\" WHERE \"MigrationId\" = {0}", [latest], cancellationToken);

            Assert.Equal([latest], await db.Database.GetPendingMigrationsAsync(cancellationToken));
            Assert.True(await Database.HasPendingMigrationsAsync(db, cancellationToken));
        }
    }
}

public sealed class SqlitePendingMigrationTests() : PendingMigrationTests(DatabaseKind.Sqlite);

public sealed class PostgresPendingMigrationTests() : PendingMigrationTests(DatabaseKind.Postgres);
