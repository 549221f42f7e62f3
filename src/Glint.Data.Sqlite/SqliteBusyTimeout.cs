using System.Data.Common;
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
    public const string Pragma = "PRAGMA busy_timeout = 30000;";

    public static readonly SqliteBusyTimeout Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }
}
