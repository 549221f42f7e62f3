using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Glint.Data;

/// <summary>
/// The connections on which the database refused a command in a way that can leave the connection's prepared
/// statements wrong, until the provider puts them right before the connection is used again (on PostgreSQL,
/// <c>PreparedStatementRepair</c>). EF Core's commands are noted by the provider's interceptor; a command Glint runs on
/// a connection itself, which no interceptor sees, notes its own refusal with <see cref="Note"/>.
/// </summary>
public static class RefusedCommands
{
    private static readonly ConditionalWeakTable<DbConnection, DbException> Noted = [];

    // Read on every close of a connection: while nothing is noted, that costs one read, no lookup.
    private static int _count;

    /// <summary>
    /// The refusal within <paramref name="failure"/>, if it is one after which the statement's preparation may be left
    /// wrong: any but an integrity constraint violation (SQLSTATE class 23), which the database only finds while
    /// executing, after it has described the statement's result.
    /// </summary>
    public static DbException? Unsettling(Exception failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            if (current is DbException { SqlState: { Length: 5 } state } refusal)
            {
                return state.StartsWith("23", StringComparison.Ordinal) ? null : refusal;
            }
        }

        return null;
    }

    /// <summary>Notes <paramref name="connection"/> if <paramref name="failure"/> may have left it wrong.</summary>
    public static void Note(DbConnection connection, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(failure);
        if (Unsettling(failure) is { } refusal)
        {
            lock (Noted)
            {
                if (!Noted.TryGetValue(connection, out _))
                {
                    _count++;
                }

                Noted.AddOrUpdate(connection, refusal);
            }
        }
    }

    /// <summary>Whether <paramref name="connection"/> was noted; it is no longer.</summary>
    public static bool Take(DbConnection connection)
    {
        if (Volatile.Read(ref _count) == 0 || !Noted.TryGetValue(connection, out _))
        {
            return false;
        }

        lock (Noted)
        {
            if (!Noted.Remove(connection))
            {
                return false;
            }

            _count--;
            return true;
        }
    }
}
