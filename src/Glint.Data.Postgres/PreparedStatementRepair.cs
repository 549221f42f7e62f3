using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Glint.Data.Postgres;

/// <summary>
/// Keeps a command PostgreSQL refused from breaking the next request that gets its pooled connection.
/// <para>
/// Npgsql prepares a statement automatically on its second run on a connection (<c>AutoPrepareMinUsages</c>), in the
/// same round trip as that run. When PostgreSQL refuses that run's parameters (a NUL in a text value, SQLSTATE 22021),
/// it has parsed the statement but never described its result, and Npgsql (10.0.3) still records the statement as
/// prepared, with no result. The next run of a statement that returns rows on that connection then fails with "Received
/// unexpected backend message DataRow" and breaks the connection: a 500 for whichever request drew it from the pool.
/// </para>
/// <para>
/// So a connection on which PostgreSQL refused a command (see <see cref="RefusedCommands.Unsettling"/>) forgets its
/// prepared statements (<c>DEALLOCATE ALL</c>) before anything else runs on it: at once, or, inside a transaction
/// (which refuses every command after a failure), once it is closed. A save whose later statement was refused while
/// its results were read has closed its connection before Glint hears of it: the pool is cleared then.
/// </para>
/// </summary>
public sealed class PreparedStatementRepair : DbCommandInterceptor, IDbConnectionInterceptor, ISaveChangesInterceptor
{
    public static PreparedStatementRepair Instance { get; } = new();

    // The refusals already dealt with when their command failed, for the save that reports them afterwards.
    private static readonly ConditionalWeakTable<DbException, object> Handled = [];

    private PreparedStatementRepair()
    {
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Failed(command, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Failed(command, eventData.Exception);
        return Task.CompletedTask;
    }

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        RepairIfNoted(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        RepairIfNoted(connection);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => SaveFailed(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveFailed(eventData);
        return Task.CompletedTask;
    }

    private static void Failed(DbCommand command, Exception failure)
    {
        if (command.Connection is not { } connection || RefusedCommands.Unsettling(failure) is not { } refusal)
        {
            return;
        }

        Handled.AddOrUpdate(refusal, connection);
        RefusedCommands.Note(connection, failure);
        if (command.Transaction is null)
        {
            RepairIfNoted(connection);
        }
    }

    private static void SaveFailed(DbContextErrorEventData eventData)
    {
        if (RefusedCommands.Unsettling(eventData.Exception) is { } refusal && !Handled.TryGetValue(refusal, out _)
            && eventData.Context?.Database.GetDbConnection() is NpgsqlConnection connection)
        {
            // Refused while the batch's results were read: the connection went back to the pool before this, and
            // which of the pool's connections it was is not known here.
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private static void RepairIfNoted(DbConnection connection)
    {
        if (connection is not NpgsqlConnection { State: System.Data.ConnectionState.Open } npgsql || !RefusedCommands.Take(connection))
        {
            return;
        }

        try
        {
            // Synchronous: Npgsql offers no asynchronous form, and this runs only after a refusal.
            npgsql.UnprepareAll();
        }
        catch (NpgsqlException)
        {
            // Still inside a failed transaction that nobody ended: the connection is closed for good instead.
            NpgsqlConnection.ClearPool(npgsql);
        }
    }
}
