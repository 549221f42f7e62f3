using Glint.Data;
using Glint.Data.Postgres;
using Glint.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Glint.Server.Hosting;

/// <summary>Chooses the provider (and so the migrations assembly) from the DSN.</summary>
public static class Database
{
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options, DatabaseDsn dsn)
    {
        DatabaseErrorLogging.Configure(options);
        return dsn.Kind switch
        {
            DatabaseKind.Sqlite => SqliteDatabase.Use(options, dsn),
            DatabaseKind.Postgres => PostgresDatabase.Use(options, dsn),
            _ => throw new ArgumentOutOfRangeException(nameof(dsn), dsn.Kind, "Unknown database kind."),
        };
    }

    public static GlintDbContext Open(DatabaseDsn dsn)
    {
        if (dsn.Kind == DatabaseKind.Sqlite && Path.GetDirectoryName(Path.GetFullPath(dsn.Target)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var options = new DbContextOptionsBuilder<GlintDbContext>();
        Use(options, dsn);
        return new GlintDbContext(options.Options);
    }

    /// <summary>Applies pending migrations. EF Core takes a database lock, so nodes starting together do not race.</summary>
    public static async Task MigrateAsync(DatabaseDsn dsn, CancellationToken cancellationToken)
    {
        await using var db = Open(dsn);

        // Listing the applied migrations is one query; migrating also compares the whole model with the migrations'
        // snapshot, which costs about a second of a start. A node restarts far more often than the schema changes.
        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (dsn.Kind == DatabaseKind.Sqlite)
        {
            // Write-ahead logging lets readers run during a write and makes each commit one append, not a rewrite
            // of the rollback journal; it is a property of the file, so setting it once is enough. Commits stay
            // fully synchronous: a payment that was answered must survive a power cut.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }
}
