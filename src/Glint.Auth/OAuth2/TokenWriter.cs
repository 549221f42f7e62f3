using System.Data.Common;
using System.Text;
using System.Threading.Channels;
using Glint.Data;
using Glint.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Writes issued token entries with group commit. Each entry is one complete row, inserted once; the rows of every
/// request in flight on the node go to the database together, in one transaction (one durable commit), and each
/// request is answered only once its own rows are committed. Under load a commit carries as many tokens as
/// arrived while the previous one was on the disk, and those the node's requests in hand were about to queue
/// (<see cref="GroupCommit"/>), so tokens per second grow with concurrency instead of queueing behind one commit each.
/// <para>
/// A token response's <c>token.issued</c> audit row travels with its first entry and is inserted in the same
/// transaction as the batch's token rows, so the audit trail adds no write of its own to the token endpoint and no
/// second writer competes for SQLite's write lock. An admin call's audit event joins the batches the same way, alone
/// (<see cref="WriteAsync(AuditEvent, CancellationToken)"/>), so a login or consent answer adds no commit of its own.
/// </para>
/// <para>
/// Verifier and code redemptions join the batches too (<see cref="RedeemAsync(RedemptionWrite, CancellationToken)"/>):
/// a complete code flow's writes are then shares of group commits, not a durable commit each. A redemption that loses
/// its race changes no row and fails only its own request. A redemption can carry the token rows that may be stored
/// only if it wins (<see cref="RedeemAsync(RedemptionWrite, IReadOnlyList{TokenEntry}, AuditEvent?, CancellationToken)"/>),
/// inserted in its transaction under its condition: the request then waits for one commit, not two.
/// </para>
/// <para>
/// Should the batch fail (a client or consent deleted meanwhile breaks its foreign key), its rows are written again
/// one by one, so only the requests whose own row cannot be stored fail. The queue is bounded: when it is full,
/// requests wait for room.
/// </para>
/// </summary>
public sealed partial class TokenWriter : IHostedLifecycleService, IAsyncDisposable
{
    private const int QueueCapacity = 4096;

    // Thirteen parameters a row: 128 rows stay far below SQLite's and PostgreSQL's parameter limits.
    private const int MaxRowsPerCommit = 128;

    private const int TokenColumnCount = 13;

    /// <summary>The token columns, in the order of <see cref="Values"/>.</summary>
    private static readonly string[] TokenColumns =
        ["Id", "ApplicationId", "AuthorizationId", "ConcurrencyToken", "CreationDate", "ExpirationDate", "Payload", "Properties", "RedemptionDate", "ReferenceId", "Status", "Subject", "Type"];

    private static readonly string InsertToken =
        "INSERT INTO \"oauth2_tokens\" (" + string.Join(", ", TokenColumns.Select(static column => $"\"{column}\"")) + ") ";

    private static readonly string Columns = InsertToken + "VALUES ";

    /// <summary>One token row's INSERT (SQLite's), with the parameters <c>@p0</c> to <c>@p12</c> in the order of <see cref="Columns"/>.</summary>
    private static readonly string OneTokenRow =
        Columns + "(" + string.Join(", ", Enumerable.Range(0, TokenColumnCount).Select(static column => $"@p{column}")) + ")";

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;
    private readonly Task _writing;

    public TokenWriter(IServiceScopeFactory scopes, ILogger<TokenWriter> logger)
    {
        _scopes = scopes;
        _logger = logger;
        _writing = Task.Run(RunAsync);
    }

    /// <summary>
    /// Queues <paramref name="row"/>, and the audit event <paramref name="audit"/> to commit with it; the task completes
    /// once both are committed, or fails if they cannot be.
    /// </summary>
    public async Task WriteAsync(TokenEntry row, AuditEvent? audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var pending = new Pending(row, audit);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Committed.Task;
    }

    /// <summary>
    /// Queues an audit event of its own (an admin call's), committed with the token rows in flight: the task completes
    /// once it is committed, or fails if it cannot be. A login or consent answer then costs no commit of its own.
    /// </summary>
    public async Task WriteAsync(AuditEvent audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var pending = new Pending(null, audit);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Committed.Task;
    }

    /// <summary>
    /// Queues a verifier's or code's redemption (see <see cref="RedemptionWrite"/>), committed with the rows in
    /// flight: true once it is committed and won, false once it is known to have lost (the verifier or code was
    /// redeemed before, here or on another node); fails if it cannot be written.
    /// </summary>
    public async Task<bool> RedeemAsync(RedemptionWrite redemption, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(redemption);
        var pending = new Pending(null, null, redemption);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Committed.Task;
        return pending.Redeemed > 0;
    }

    /// <summary>
    /// Queues a redemption with the token rows (and audit event) that may be stored only if it wins, all in one
    /// transaction: each row is inserted only where the redemption's <see cref="RedemptionWrite.WonWhen"/> condition
    /// holds. True once committed and won, with the rows; false once known to have lost, with none of them stored;
    /// fails, with nothing stored, if any of them cannot be written. The request waits for one commit where a
    /// redemption and then its rows took two.
    /// </summary>
    public async Task<bool> RedeemAsync(RedemptionWrite redemption, IReadOnlyList<TokenEntry> rows, AuditEvent? audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(redemption);
        ArgumentNullException.ThrowIfNull(rows);
        var pending = new Pending(null, null, redemption) { Guarded = rows, GuardedAudit = audit };
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Committed.Task;
        return pending.Redeemed > 0;
    }

    /// <summary>
    /// Drains the queue once the host has stopped: the server has then answered (or given up on) its requests, so what
    /// is queued is all that will be, and the services a commit needs are still there. Draining on disposal alone came
    /// too late: the service provider refuses new scopes once its disposal begins, so every queued write failed.
    /// </summary>
    public Task StoppedAsync(CancellationToken cancellationToken) => DrainAsync();

    public ValueTask DisposeAsync() => new(DrainAsync());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes the queue; rows already in it are still written, since their requests are waiting for them.</summary>
    private async Task DrainAsync()
    {
        _queue.Writer.TryComplete();
        await _writing.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxRowsPerCommit);
        while (await _queue.Reader.WaitToReadAsync())
        {
            await GroupCommit.GatherAsync(_queue.Reader, MaxRowsPerCommit);
            await CommitAsync(Take(batch));
        }
    }

    /// <summary>Fills <paramref name="batch"/> with what is queued, up to <see cref="MaxRowsPerCommit"/>.</summary>
    private List<Pending> Take(List<Pending> batch)
    {
        batch.Clear();
        while (batch.Count < MaxRowsPerCommit && _queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }

        return batch;
    }

    /// <summary>
    /// Commits <paramref name="batch"/> and answers each of its requests. When a batch of several fails, each of its
    /// writes is committed again alone, so only the requests whose own write cannot be stored fail.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            await InsertAsync(batch);
            foreach (var pending in batch)
            {
                pending.Committed.TrySetResult();
            }
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            LogBatchFailed(_logger, batch.Count, exception);
            foreach (var pending in batch)
            {
                await CommitAsync([pending]);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Committed.TrySetException(exception);
            }
        }
    }

    /// <summary>
    /// The batch's writes in one transaction, one commit: the token rows, the audit rows, then each redemption's
    /// statements. On PostgreSQL they go as one batch, one round trip; SQLite runs them one after another in a
    /// transaction of its own.
    /// </summary>
    private async Task InsertAsync(IReadOnlyList<Pending> rows)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = db.Database.GetDbConnection();
            if (connection.CanCreateBatch)
            {
                await InsertAsOneBatchAsync(connection, AuditTable.Of(db), rows);
            }
            else
            {
                await InsertInSequenceAsync(connection, AuditTable.Of(db), rows);
            }
        }
        catch (DbException refused)
        {
            RefusedCommands.Note(db.Database.GetDbConnection(), refused);
            throw;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// PostgreSQL: the token rows in one multi-row INSERT, the audit rows in another, then the redemptions' statements,
    /// as one batch (an implicit transaction), all with numbered parameters (<see cref="NumberedParameters"/>). A single
    /// statement is its own transaction.
    /// </summary>
    private static async Task InsertAsOneBatchAsync(DbConnection connection, AuditTable audit, IReadOnlyList<Pending> rows)
    {
        var commands = new List<DbCommand>(2);
        // The request whose redemption each command is, for its changed rows; null for every other command.
        var redemptions = new List<Pending?>(2);
        try
        {
            if (TokenRows(connection, rows) is { } tokens)
            {
                commands.Add(tokens);
                redemptions.Add(null);
            }

            if (AuditRows(connection, audit, rows) is { } audits)
            {
                commands.Add(audits);
                redemptions.Add(null);
            }

            AddRedemptions(connection, audit, rows, commands, redemptions);
            if (commands.Count == 1)
            {
                NumberedParameters.Number(commands[0]);
                using var single = DatabaseTelemetry.Time(commands[0], rows, static pending => pending.Request);
                Redeemed(redemptions[0], await commands[0].ExecuteNonQueryAsync());
                return;
            }

            await using var batch = connection.CreateBatch();
            foreach (var command in commands)
            {
                var statement = batch.CreateBatchCommand();
                var parameters = command.Parameters.Cast<DbParameter>().ToArray();
                command.Parameters.Clear();
                NumberedParameters.Number(statement, command.CommandText, parameters);
                batch.BatchCommands.Add(statement);
            }

            using (DatabaseTelemetry.Time(batch, rows, static pending => pending.Request))
            {
                await batch.ExecuteNonQueryAsync();
            }

            for (var i = 0; i < commands.Count; i++)
            {
                Redeemed(redemptions[i], batch.BatchCommands[i].RecordsAffected);
            }
        }
        finally
        {
            foreach (var command in commands)
            {
                await command.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// SQLite: one transaction in which each table's rows go through one single-row INSERT, prepared once and run once
    /// a row, then the redemptions' statements. A multi-row INSERT was parsed anew for every batch size, and SQLite
    /// finds each named parameter by a walk through all of the statement's names, so binding a batch cost the square
    /// of its rows.
    /// </summary>
    private static async Task InsertInSequenceAsync(DbConnection connection, AuditTable audit, IReadOnlyList<Pending> rows)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        if (rows.Any(static pending => pending.Row is not null))
        {
            await using var tokens = connection.CreateCommand();
            tokens.Transaction = transaction;
            tokens.CommandText = OneTokenRow;
            var values = new DbParameter[TokenColumnCount];
            for (var column = 0; column < values.Length; column++)
            {
                values[column] = tokens.CreateParameter();
                values[column].ParameterName = "@p" + column.ToString(System.Globalization.CultureInfo.InvariantCulture);
                tokens.Parameters.Add(values[column]);
            }

            using var timing = DatabaseTelemetry.Time(tokens, rows, static pending => pending.Request);
            foreach (var pending in rows)
            {
                if (pending.Row is { } row)
                {
                    Bind(values, row);
                    await tokens.ExecuteNonQueryAsync();
                }
            }
        }

        if (rows.Any(static pending => pending.Audit is not null))
        {
            await using var audits = connection.CreateCommand();
            audits.Transaction = transaction;
            audits.CommandText = audit.OneRow;
            using var timing = DatabaseTelemetry.Time(audits, rows, static pending => pending.Request);
            foreach (var pending in rows)
            {
                if (pending.Audit is { } row)
                {
                    audits.Parameters.Clear();
                    audit.Bind(audits, row, "@a0_");
                    await audits.ExecuteNonQueryAsync();
                }
            }
        }

        var commands = new List<DbCommand>();
        var redemptions = new List<Pending?>();
        try
        {
            AddRedemptions(connection, audit, rows, commands, redemptions);
            for (var i = 0; i < commands.Count; i++)
            {
                commands[i].Transaction = transaction;
                using var timing = DatabaseTelemetry.Time(commands[i], rows, static pending => pending.Request);
                Redeemed(redemptions[i], await commands[i].ExecuteNonQueryAsync());
            }
        }
        finally
        {
            foreach (var command in commands)
            {
                await command.DisposeAsync();
            }
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// The batch's redemptions' statements, ordered by the row each races for (<see cref="RedemptionWrite.ContendedRow"/>),
    /// so that batches on different nodes take their locks in one order; each followed by the rows that depend on it
    /// (<see cref="GuardedRows"/>). The first statement of each carries its request, for its changed rows.
    /// </summary>
    private static void AddRedemptions(
        DbConnection connection, AuditTable audit, IReadOnlyList<Pending> rows, List<DbCommand> commands, List<Pending?> redemptions)
    {
        foreach (var pending in rows.Where(static pending => pending.Redemption is not null)
                     .OrderBy(static pending => pending.Redemption!.ContendedRow, StringComparer.Ordinal))
        {
            for (var i = 0; i < (pending.Redemption?.Count ?? 0); i++)
            {
                commands.Add(pending.Redemption!.Command(connection, i));
                redemptions.Add(i == 0 ? pending : null);
            }

            foreach (var command in GuardedRows(connection, audit, pending))
            {
                commands.Add(command);
                redemptions.Add(null);
            }
        }
    }

    private static void Redeemed(Pending? redemption, int changed)
    {
        if (redemption is not null)
        {
            redemption.Redeemed = changed;
        }
    }

    /// <summary>The token rows' multi-row INSERT (PostgreSQL's), with numbered parameters; null when the batch has none.</summary>
    private static DbCommand? TokenRows(DbConnection connection, IReadOnlyList<Pending> rows)
    {
        DbCommand? command = null;
        StringBuilder? sql = null;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Row is not { } row)
            {
                continue;
            }

            command ??= connection.CreateCommand();
            sql = sql is null
                ? new StringBuilder(Columns.Length + rows.Count * 80).Append(Columns).Append('(')
                : sql.Append(", (");
            var values = Values(row);
            for (var column = 0; column < values.Length; column++)
            {
                var parameter = command.CreateParameter();
                parameter.Value = values[column] ?? DBNull.Value;
                command.Parameters.Add(parameter);
                sql.Append(column == 0 ? "$" : ", $").Append(command.Parameters.Count);
            }

            sql.Append(')');
        }

        if (command is not null)
        {
            command.CommandText = sql!.ToString();
        }

        return command;
    }

    /// <summary>A token row's values, in the order of <see cref="Columns"/>.</summary>
    private static object?[] Values(TokenEntry row) =>
    [
        row.Id, row.ApplicationId, row.AuthorizationId, row.ConcurrencyToken, row.CreationDate, row.ExpirationDate, row.Payload,
        null, null, row.ReferenceId, row.Status, row.Subject, row.Type,
    ];

    /// <summary>Binds <paramref name="row"/> to the single-row INSERT's parameters (<see cref="OneTokenRow"/>).</summary>
    private static void Bind(DbParameter[] parameters, TokenEntry row)
    {
        var values = Values(row);
        for (var column = 0; column < values.Length; column++)
        {
            parameters[column].Value = values[column] ?? DBNull.Value;
        }
    }

    /// <summary>
    /// The audit rows' multi-row INSERT (PostgreSQL's), with numbered parameters, each value bound as EF Core stores its
    /// column; null when the batch has none.
    /// </summary>
    private static DbCommand? AuditRows(DbConnection connection, AuditTable table, IReadOnlyList<Pending> rows)
    {
        DbCommand? command = null;
        StringBuilder? sql = null;
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Audit is not { } audit)
            {
                continue;
            }

            command ??= connection.CreateCommand();
            sql = sql is null
                ? new StringBuilder(table.Insert.Length + rows.Count * 48).Append(table.Insert)
                : sql.Append(", ");
            table.BindNumbered(command, audit, sql);
        }

        if (command is not null)
        {
            command.CommandText = sql!.ToString();
        }

        return command;
    }

    /// <summary><c>audit_events</c> as the model maps it: the INSERT's head and each column's type mapping, in order.</summary>
    internal sealed record AuditTable(IModel Model, string Head, RelationalTypeMapping[] Mappings)
    {
        /// <summary>The multi-row INSERT's head, up to its first row.</summary>
        public string Insert { get; } = Head + "VALUES ";

        /// <summary>The columns an audit row is written with, in the order of <see cref="ValuesOf"/>.</summary>
        internal static readonly string[] Properties =
        [
            nameof(AuditEvent.Id), nameof(AuditEvent.At), nameof(AuditEvent.ActorKind), nameof(AuditEvent.Action), nameof(AuditEvent.Subject),
            nameof(AuditEvent.ClientId), nameof(AuditEvent.Target), nameof(AuditEvent.Reason), nameof(AuditEvent.RemoteAddress),
        ];

        private static AuditTable? _known;

        /// <summary>The INSERT of one row, with the parameters <see cref="Bind"/> adds under the prefix <c>@a0_</c>.</summary>
        public string OneRow { get; } = Head + "VALUES (" + string.Join(", ", Properties.Select((_, column) => $"@a0_{column}")) + ")";

        public static AuditTable Of(GlintDbContext db)
        {
            // One model a process, but each provider has its own mappings (the tests run both in one process).
            if (_known is { } known && ReferenceEquals(known.Model, db.Model))
            {
                return known;
            }

            var entity = db.Model.FindEntityType(typeof(AuditEvent))!;
            var columns = Properties.Select(name => entity.FindProperty(name)!).ToArray();
            var insert = $"INSERT INTO \"{entity.GetTableName()}\" ({string.Join(", ", columns.Select(column => $"\"{column.GetColumnName()}\""))}) ";
            return _known = new AuditTable(db.Model, insert, [.. columns.Select(column => column.GetRelationalTypeMapping())]);
        }

        /// <summary>
        /// Adds <paramref name="audit"/>'s values to <paramref name="command"/> as parameters named
        /// <paramref name="prefix"/> and the column's number, each bound as EF Core stores its column; returns the
        /// row's <c>(…)</c> naming them.
        /// </summary>
        public string Bind(DbCommand command, AuditEvent audit, string prefix)
        {
            var values = ValuesOf(audit);
            var names = new string[values.Length];
            for (var column = 0; column < values.Length; column++)
            {
                names[column] = prefix + column.ToString(System.Globalization.CultureInfo.InvariantCulture);
                command.Parameters.Add(Mappings[column].CreateParameter(command, names[column], values[column], nullable: true));
            }

            return "(" + string.Join(", ", names) + ")";
        }

        /// <summary>
        /// Adds <paramref name="audit"/>'s values to <paramref name="command"/> as unnamed parameters, each bound as EF
        /// Core stores its column, and appends the row's <c>(…)</c> numbering them to <paramref name="sql"/>.
        /// </summary>
        public void BindNumbered(DbCommand command, AuditEvent audit, StringBuilder sql)
        {
            var values = ValuesOf(audit);
            sql.Append('(');
            for (var column = 0; column < values.Length; column++)
            {
                command.Parameters.Add(Mappings[column].CreateParameter(command, "", values[column], nullable: true));
                sql.Append(column == 0 ? "$" : ", $").Append(command.Parameters.Count);
            }

            sql.Append(')');
        }

        /// <summary><paramref name="audit"/>'s values in the order of <see cref="Properties"/>.</summary>
        internal static object?[] ValuesOf(AuditEvent audit) =>
            [audit.Id, audit.At, audit.ActorKind, audit.Action, audit.Subject, audit.ClientId, audit.Target, audit.Reason, audit.RemoteAddress];
    }

    /// <summary>A token row with the audit event that goes with it, an audit event alone, or a redemption.</summary>
    private sealed class Pending(TokenEntry? row, AuditEvent? audit, RedemptionWrite? redemption = null)
    {
        public TokenEntry? Row { get; } = row;

        public RedemptionWrite? Redemption { get; } = redemption;

        /// <summary>Token rows inserted only if <see cref="Redemption"/> wins, in its transaction.</summary>
        public IReadOnlyList<TokenEntry> Guarded { get; init; } = [];

        /// <summary>An audit row inserted only if <see cref="Redemption"/> wins, in its transaction.</summary>
        public AuditEvent? GuardedAudit { get; init; }

        /// <summary>The rows the redemption changed, once committed: 0 when it lost.</summary>
        public int Redeemed { get; set; }

        /// <summary>The request's span, for the commit's span in its trace.</summary>
        public System.Diagnostics.Activity? Request { get; } = DatabaseTelemetry.TracedRequest;

        public AuditEvent? Audit { get; } = audit;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 4200, Level = LogLevel.Warning,
        Message = "A batch of {Count} token entries could not be committed together; writing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
