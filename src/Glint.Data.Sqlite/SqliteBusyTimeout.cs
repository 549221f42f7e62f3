using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Glint.Data.Sqlite;

/// <summary>
/// Lets SQLite itself wait for the write lock. Without a busy timeout on the connection, SQLite answers SQLITE_BUSY at
/// once and Microsoft.Data.Sqlite retries after a sleep of its own, a long one next to a commit; under concurrent
/// writers (a sign-in's flow row beside the token writer's batch) requests then spend most of their time asleep with
/// the CPU idle. SQLite's own handler retries within milliseconds, and the command timeout still bounds the wait.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>Matches the connection string's <c>Default Timeout</c> (30 s).</summary>
    public const int Milliseconds = 30_000;

    /// <summary>The same setting as a statement, for connections opened outside EF Core.</summary>
    public const string Pragma = "PRAGMA busy_timeout = 30000;";

    public static readonly SqliteBusyTimeout Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Through SQLite's C API, not a PRAGMA statement: the connection is opened for nearly every request, and a
    /// statement would be parsed and run each time for what is one field of the connection.
    /// </summary>
    public static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }
}
