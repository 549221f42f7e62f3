using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Glint.Data;
using Glint.Data.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Wallets.Journal;

/// <summary>What an append writes on PostgreSQL, for a group: its statements in order, the last one its callback deliveries.</summary>
internal sealed record GroupedWrite(IReadOnlyList<SqlStatement> Statements, IReadOnlyList<Guid> Wallets, IReadOnlyList<string> Notifications);

/// <summary>How a grouped append ended: committed with its group (and whether it queued callbacks), or left to its caller to write alone.</summary>
internal readonly record struct GroupedOutcome(bool Committed, bool Queued);

/// <summary>
/// Group commit for PostgreSQL's appends: each commit is a disk flush and a transaction's worth of the server's work,
/// so the appends in flight on this node go to the database together, in one transaction and one round trip, and each
/// caller is answered only once that transaction has committed (nothing acknowledged is lost).
/// <para>
/// The group first locks every wallet it moves, in wallet-id order, as every other writer of balances does, so a group
/// cannot deadlock with them whatever order its appends run in. The appends' refusals are errors (see
/// <see cref="EntryStatements"/>), which end the group's transaction: the group is then rolled back, the refused append
/// is handed back to its caller to be written alone (which says exactly how it was refused), and the others are
/// written again in groups. A refusal therefore never takes another append down. The entries' notifications are
/// handed to the channel once the group has committed.
/// </para>
/// </summary>
public sealed partial class PostgresCommitGroups(IServiceScopeFactory scopes, INotificationChannel channel, ILogger<PostgresCommitGroups> logger)
    : IAsyncDisposable, IDisposable
{
    /// <summary>Far more than arrive during one commit at the bench's concurrency; a statement a few hundred lines long at most.</summary>
    private const int MaxGroup = 64;

    private static readonly SqlStatement Begin = new("BEGIN", []);
    private static readonly SqlStatement Commit = new("COMMIT", []);

    private readonly Channel<Member> _queue = Channel.CreateUnbounded<Member>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _writer;
    private int _waiting;

    /// <summary>Appends queued for the next group.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Queues <paramref name="write"/> for the next group and waits for the group's commit.</summary>
    internal async Task<GroupedOutcome> RunAsync(GroupedWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        EnsureWriter();
        var member = new Member(write, cancellationToken);
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(member))
        {
            Interlocked.Decrement(ref _waiting);
            throw new ObjectDisposedException(nameof(PostgresCommitGroups), "The ledger's group writer has stopped (the node is stopping, or it failed).");
        }

        return await member.Result.Task;
    }

    /// <summary>Closes the queue; appends already in it are still written, since their callers wait for them.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>For containers disposed synchronously (operator commands): only at shutdown, once the queue is done.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void EnsureWriter()
    {
        lock (_gate)
        {
            if (_writer is null)
            {
                // The writer's context comes from a scope of its own, made now: a scope made at shutdown would be refused.
                var scope = scopes.CreateAsyncScope();
                _writer = Task.Run(() => WriteAsync(scope));
            }
        }
    }

    private async Task WriteAsync(AsyncServiceScope scope)
    {
        try
        {
            await WriteGroupsAsync(scope);
        }
        catch (Exception exception)
        {
            // The writer cannot go on (its context could not be made): no caller may wait for it forever.
            _queue.Writer.TryComplete(exception);
            while (_queue.Reader.TryRead(out var stranded))
            {
                Interlocked.Decrement(ref _waiting);
                stranded.Fail(exception);
            }
        }
    }

    private async Task WriteGroupsAsync(AsyncServiceScope scope)
    {
        await using (scope)
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            var group = new List<Member>(MaxGroup);
            while (await _queue.Reader.WaitToReadAsync())
            {
                group.Clear();
                while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next))
                {
                    Interlocked.Decrement(ref _waiting);
                    if (!next.Cancelled)
                    {
                        group.Add(next);
                    }
                }

                if (group.Count > 0)
                {
                    await CommitAsync(db, group);
                }
            }
        }
    }

    /// <summary>Commits <paramref name="group"/> and answers every one of its appends.</summary>
    private async Task CommitAsync(GlintDbContext db, List<Member> group)
    {
        try
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                await CommitOrSplitAsync(db.Database.GetDbConnection(), group);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        catch (Exception exception)
        {
            // Whether the group committed is unknown (the connection broke): every caller not yet answered gets the
            // failure, as a lone append's caller would, and none is written again.
            group.ForEach(member => member.Fail(exception));
        }
    }

    /// <summary>
    /// Commits <paramref name="members"/> as one group; when the database refuses it, commits each half the same way,
    /// down to single appends, which are handed back to their callers. A refusal among n appends costs about
    /// 2 log2(n) more round trips, and the appends around it are committed in groups all the same.
    /// </summary>
    private async Task CommitOrSplitAsync(DbConnection connection, List<Member> members)
    {
        if (await TryCommitAsync(connection, members))
        {
            return;
        }

        if (members.Count == 1)
        {
            members[0].WriteAlone();
            return;
        }

        var half = members.Count / 2;
        await CommitOrSplitAsync(connection, members[..half]);
        await CommitOrSplitAsync(connection, members[half..]);
    }

    /// <summary>
    /// Runs the group as one batch: true once it committed (every member answered, its notifications handed to the
    /// channel); false when the database refused a statement, the transaction then rolled back.
    /// </summary>
    private async Task<bool> TryCommitAsync(DbConnection connection, List<Member> group)
    {
        await using var batch = connection.CreateBatch();
        PositionalStatements.Add(batch, Begin);
        AddLock(batch, group);
        foreach (var member in group)
        {
            foreach (var statement in member.Write.Statements)
            {
                member.Deliveries = PositionalStatements.Add(batch, statement);
            }
        }

        PositionalStatements.Add(batch, Commit);
        try
        {
            // Prepared once per connection and statement shape; preparing again is free.
            await batch.PrepareAsync();
            using (DatabaseTelemetry.Time(batch, group, static member => member.Request))
            {
                await batch.ExecuteNonQueryAsync();
            }
        }
        catch (DbException refused) when (refused.SqlState is not null)
        {
            // The server's refusal (a constraint, a lock): it ran nothing after it, and the transaction is left
            // aborted, or ended if it was the COMMIT that failed (ROLLBACK then only warns).
            await RollBackAsync(connection);
            return false;
        }

        Publish(group);
        foreach (var member in group)
        {
            member.Complete(member.Deliveries!.RecordsAffected > 0);
        }

        return true;
    }

    /// <summary>
    /// Hands the group's notifications to the channel, which sends those in flight together, after the commit and
    /// outside its transaction (see the channel). Not awaited: a failure to notify never undoes or fails an appended
    /// entry (subscribers read the state themselves), and the next group need not wait for it. Queued before the
    /// callers are answered, so an entry's notifications go out before those of anything its caller does next.
    /// </summary>
    private void Publish(List<Member> group)
    {
        var messages = group.SelectMany(static member => member.Write.Notifications).ToList();
        if (messages.Count == 0)
        {
            return;
        }

        _ = channel.PublishAsync(messages, CancellationToken.None).ContinueWith(
            published => LogPublishFailed(logger, messages.Count, published.Exception!),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Locks the group's wallets in wallet-id order before anything moves (see the class).</summary>
    private static void AddLock(DbBatch batch, List<Member> group)
    {
        var wallets = group.SelectMany(static member => member.Write.Wallets).Distinct().Order().ToArray();
        var command = batch.CreateBatchCommand();
        command.CommandText = "SELECT 1 FROM wallets WHERE \"Id\" = ANY($1) ORDER BY \"Id\" FOR UPDATE";
        var parameter = command.CreateParameter();
        parameter.Value = wallets;
        command.Parameters.Add(parameter);
        batch.BatchCommands.Add(command);
    }

    private static async Task RollBackAsync(DbConnection connection)
    {
        await using var rollback = connection.CreateCommand();
        rollback.CommandText = "ROLLBACK";
        await rollback.ExecuteNonQueryAsync();
    }

    private sealed class Member(GroupedWrite write, CancellationToken cancellationToken)
    {
        public GroupedWrite Write { get; } = write;

        /// <summary>The caller's span, for the commit's span in its trace.</summary>
        public Activity? Request { get; } = DatabaseTelemetry.TracedRequest;

        /// <summary>Its last statement in the batch: the callback deliveries.</summary>
        public DbBatchCommand? Deliveries { get; set; }

        public TaskCompletionSource<GroupedOutcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Whether its caller gave up while it was queued: it is then left out of the group, unwritten.</summary>
        public bool Cancelled
        {
            get
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                Result.TrySetCanceled(cancellationToken);
                return true;
            }
        }

        public void Complete(bool queued) => Result.TrySetResult(new GroupedOutcome(Committed: true, queued));

        public void WriteAlone() => Result.TrySetResult(new GroupedOutcome(Committed: false, Queued: false));

        public void Fail(Exception exception) => Result.TrySetException(exception);
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "{Count} notifications of a group of appended entries could not be published")]
    private static partial void LogPublishFailed(ILogger logger, int count, Exception exception);
}
