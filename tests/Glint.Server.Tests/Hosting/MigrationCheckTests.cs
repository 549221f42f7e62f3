using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// A start decides whether to migrate from the history table and the migrations the build lists
/// (<c>KnownMigrations</c>), not from EF Core's pending list: the list must name every migration EF Core knows, and the
/// check must see a new database, a migrated one, one missing a migration and one migrated by a newer build as EF Core
/// would.
/// </summary>
public sealed class MigrationCheckTests
{
    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task The_known_migrations_are_every_migration_of_the_provider_in_order(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var db = Database.Open(DatabaseDsn.Parse(database.Dsn));

        Assert.Equal(db.Database.GetMigrations(), Known(kind));
    }

    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task A_new_database_is_not_migrated(DatabaseKind kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var connection = Database.Connect(DatabaseDsn.Parse(database.Dsn));

        Assert.False(await Database.AllAppliedAsync(connection, Known(kind), cancel));
    }

    [Theory]
    [MemberData(nameof(MigratedDatabase.Kinds), MemberType = typeof(MigratedDatabase))]
    public async Task The_check_agrees_with_the_history_table(DatabaseKind kind)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var database = await MigratedDatabase.CreateAsync(kind, cancel);
        var db = database.Db;
        await using var connection = Database.Connect(database.Dsn);
        Assert.True(await Database.AllAppliedAsync(connection, Known(kind), cancel));

        // A migration a newer build applied leaves this build's schema in place: nothing to do, as before.
        await ExecuteAsync(db, $"INSERT INTO \"{HistoryRepository.DefaultTableName}\" (\"MigrationId\", \"ProductVersion\") VALUES ('99991231235959_FromANewerBuild', '10.0.0')", cancel);
        Assert.True(await Database.AllAppliedAsync(connection, Known(kind), cancel));

        // Any migration of this build missing from the history, not only the last, means migrating.
        await ExecuteAsync(db, $"DELETE FROM \"{HistoryRepository.DefaultTableName}\" WHERE \"MigrationId\" = '{Known(kind)[1]}'", cancel);
        Assert.False(await Database.AllAppliedAsync(connection, Known(kind), cancel));
        Assert.Contains(Known(kind)[1], await db.Database.GetPendingMigrationsAsync(cancel));
    }

    private static IReadOnlyList<string> Known(DatabaseKind kind) => kind == DatabaseKind.Postgres
        ? Glint.Data.Postgres.Migrations.KnownMigrations.Ids
        : Glint.Data.Sqlite.Migrations.KnownMigrations.Ids;

    private static async Task ExecuteAsync(GlintDbContext db, string sql, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
