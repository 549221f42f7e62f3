using System.Data.Common;
using Glint.Data;
using Glint.Data.Postgres;
using Glint.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Glint.Server.Hosting;

/// <summary>Chooses the provider (and so the migrations assembly) from the DSN.</summary>
public static class Database
{
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder options, DatabaseDsn dsn)
    {
        DatabaseErrorLogging.Configure(options);
        options.AddInterceptors(dsn.Kind == DatabaseKind.Postgres ? PostgresTelemetry : SqliteTelemetry);
        return dsn.Kind switch
        {
            DatabaseKind.Sqlite => SqliteDatabase.Use(options, dsn),
            DatabaseKind.Postgres => PostgresDatabase.Use(options, dsn),
            _ => throw new ArgumentOutOfRangeException(nameof(dsn), dsn.Kind, "Unknown database kind."),
        };
    }

    private static readonly DatabaseTelemetry SqliteTelemetry = new(DatabaseKind.Sqlite);
    private static readonly DatabaseTelemetry PostgresTelemetry = new(DatabaseKind.Postgres);

    public static GlintDbContext Open(DatabaseDsn dsn)
    {
        CreateDirectory(dsn);
        var options = new DbContextOptionsBuilder<GlintDbContext>();
        Use(options, dsn);
        return new GlintDbContext(options.Options);
    }

    /// <summary>A plain connection, not yet open, from the same pool EF Core's connections come from.</summary>
    public static DbConnection Connect(DatabaseDsn dsn)
    {
        CreateDirectory(dsn);
        return dsn.Kind == DatabaseKind.Postgres
            ? new Npgsql.NpgsqlConnection(PostgresDatabase.ConnectionString(dsn))
            : new Microsoft.Data.Sqlite.SqliteConnection(SqliteDatabase.ConnectionString(dsn));
    }

    /// <summary>The database for what a node reads and writes before it listens (<see cref="StartupDatabase"/>).</summary>
    public static StartupDatabase OpenStartup(DatabaseDsn dsn) => new(Connect(dsn), () => Open(dsn));

    /// <summary>SQLite creates the file, not the directory it goes in.</summary>
    private static void CreateDirectory(DatabaseDsn dsn)
    {
        if (dsn.Kind == DatabaseKind.Sqlite && Path.GetDirectoryName(Path.GetFullPath(dsn.Target)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }
    }

    /// <summary>
    /// Applies pending migrations, one node at a time: nodes starting together on a fresh PostgreSQL database would
    /// otherwise each see the migrations pending and all but one fail creating tables that already exist.
    /// </summary>
    public static async Task MigrateAsync(DatabaseDsn dsn, CancellationToken cancellationToken)
    {
        try
        {
            await MigrateHeldAsync(dsn, cancellationToken);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            // The first thing every command does with the database: an operator with a wrong host, password or file
            // gets one line saying so, not a stack trace. Driver messages name the host and port, never the password.
            throw new StartupRefusedException($"cannot open the {dsn.Kind switch { DatabaseKind.Postgres => "PostgreSQL", _ => "SQLite" }} database: {Describe(exception)}", exception);
        }
    }

    private static string Describe(Exception exception) =>
        exception.InnerException is { } inner && inner.Message != exception.Message
            ? $"{exception.Message.TrimEnd('.')} ({inner.Message.TrimEnd('.')})"
            : exception.Message.TrimEnd('.');

    private static async Task MigrateHeldAsync(DatabaseDsn dsn, CancellationToken cancellationToken)
    {
        await using var held = await LockAsync(dsn, MigrationLock, cancellationToken);

        // Migrating compares the whole model with the migrations' snapshot, which costs about a second of a start, and
        // even EF Core's list of pending migrations costs a fifth of one: a node restarts far more often than the
        // schema changes, so the history table is read directly, over a plain connection, and compared with the
        // migrations this build knows. EF Core is built only when there is something to migrate.
        bool applied;
        await using (var connection = Connect(dsn))
        {
            applied = await AllAppliedAsync(connection, dsn.Kind == DatabaseKind.Postgres ? Data.Postgres.Migrations.KnownMigrations.Ids : Data.Sqlite.Migrations.KnownMigrations.Ids, cancellationToken);
        }

        if (!applied)
        {
            await using var db = Open(dsn);
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (dsn.Kind == DatabaseKind.Sqlite)
        {
            // Write-ahead logging lets readers run during a write and makes each commit one append, not a rewrite
            // of the rollback journal; it is a property of the file, so setting it once is enough. Commits stay
            // fully synchronous: a payment that was answered must survive a power cut.
            await using var connection = Connect(dsn);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Whether the history table lists every migration in <paramref name="known"/>; false on a database without one. A
    /// database migrated by a newer build (with more rows) counts as migrated, as it did for EF Core's pending list.
    /// </summary>
    public static async Task<bool> AllAppliedAsync(DbConnection connection, IReadOnlyList<string> known, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(known);
        await connection.OpenAsync(cancellationToken);
        try
        {
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"MigrationId\" FROM \"{HistoryRepository.DefaultTableName}\"";
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }
            catch (System.Data.Common.DbException) when (applied.Count == 0)
            {
                // No history table yet: a new database, which migrating creates.
                return false;
            }

            return known.All(applied.Contains);
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    /// <summary>The advisory lock held while a node migrates ("glintm" in ASCII).</summary>
    private const long MigrationLock = 0x676C696E746D;

    /// <summary>
    /// Holds a PostgreSQL session advisory lock until disposed, so that one node at a time does what nodes starting
    /// together must not all do. SQLite serves one process, so there is nothing to hold.
    /// </summary>
    public static async Task<IAsyncDisposable> LockAsync(DatabaseDsn dsn, long key, CancellationToken cancellationToken)
    {
        if (dsn.Kind != DatabaseKind.Postgres)
        {
            return new AdvisoryLock(null, key);
        }

        var connection = new Npgsql.NpgsqlConnection(PostgresDatabase.ConnectionString(dsn));
        try
        {
            await connection.OpenAsync(cancellationToken);
            await AdvisoryLock.ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", key, cancellationToken);
            return new AdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Takes a PostgreSQL session advisory lock if no other session holds it, until disposed; null if another does. For
    /// work that one node at a time is enough to do, where the others may simply skip their turn. SQLite serves one
    /// process: the lock is always free.
    /// </summary>
    public static async Task<IAsyncDisposable?> TryLockAsync(DatabaseDsn dsn, long key, CancellationToken cancellationToken)
    {
        if (dsn.Kind != DatabaseKind.Postgres)
        {
            return new AdvisoryLock(null, key);
        }

        var connection = new Npgsql.NpgsqlConnection(PostgresDatabase.ConnectionString(dsn));
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new Npgsql.NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new AdvisoryLock(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    /// <summary>
    /// Unlocks explicitly: a pooled connection goes back to the pool still holding its session's locks.
    /// </summary>
    private sealed class AdvisoryLock(Npgsql.NpgsqlConnection? connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (connection is null)
            {
                return;
            }

            try
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", key, CancellationToken.None);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }

        public static async Task ExecuteAsync(Npgsql.NpgsqlConnection connection, string sql, long key, CancellationToken cancellationToken)
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
