using System.Data.Common;
using System.Diagnostics;
using Glint.Data;
using System.Threading.Channels;

namespace Glint.Wallets.Journal;

/// <summary>
/// Group commit for SQLite, which has one writer at a time and pays a sync per commit: the appends in flight on this
/// node queue here, and one writer runs as many as are waiting in one immediate transaction, each inside its own
/// savepoint, so a refused or failing append is rolled back alone and never touches the others. Each caller answers
/// only once the transaction holding its append has committed (nothing acknowledged is lost); if the commit fails,
/// every append of the group fails with it. Queuing in process also spares the writers SQLite's busy wait, which
/// sleeps between attempts when several connections of one process want the write lock at once.
/// </summary>
public sealed class SqliteCommitGroups : IAsyncDisposable, IDisposable
{
    /// <summary>Enough to fill one sync; a larger group only makes the first of it wait longer.</summary>
    private const int MaxGroup = 128;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _writer;
    private DbConnection? _connection;

    /// <summary>
    /// Runs <paramref name="work"/> on the writer's connection and transaction, inside a savepoint that is released
    /// when it returns <paramref name="keep"/>'s approval and rolled back otherwise, then waits for the group's commit.
    /// </summary>
    public async Task<T> RunAsync<T>(
        DbConnection template, Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, Func<T, bool> keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        EnsureWriter(template);
        var pending = new Pending<T>(work, keep, cancellationToken);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Result.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    /// <summary>For containers disposed synchronously (operator commands): only at shutdown, once the queue is done.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void EnsureWriter(DbConnection template)
    {
        lock (_gate)
        {
            if (_writer is not null)
            {
                return;
            }

            // A connection of the writer's own, kept open: the same database, opened as the request's context opens it.
            var factory = DbProviderFactories.GetFactory(template) ?? throw new InvalidOperationException("The database provider has no factory.");
            _connection = factory.CreateConnection() ?? throw new InvalidOperationException("The database provider cannot create connections.");
            _connection.ConnectionString = template.ConnectionString;
            _writer = Task.Run(WriteAsync);
        }
    }

    private async Task WriteAsync()
    {
        var connection = _connection!;
        var group = new List<Pending>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next))
            {
                if (!next.Cancelled)
                {
                    group.Add(next);
                }
            }

            if (group.Count > 0)
            {
                await CommitAsync(connection, group);
                group.Clear();
            }
        }
    }

    private static async Task CommitAsync(DbConnection connection, List<Pending> group)
    {
        try
        {
            await RunInOneTransactionAsync(connection, group);
        }
        catch (Exception exception)
        {
            // Nothing of this group was acknowledged. Whatever state the failure left the connection in (a transaction
            // ended under the writer, one its rollback could not end), the next group starts on a connection opened
            // afresh, and the writer goes on: a writer that stopped would leave every later append waiting forever.
            group.ForEach(pending => pending.Fail(exception));
            await connection.CloseAsync();
            return;
        }

        group.ForEach(pending => pending.Complete());
    }

    /// <summary>Runs the group's appends, each in its savepoint, in one immediate transaction, and commits it.</summary>
    private static async Task RunInOneTransactionAsync(DbConnection connection, List<Pending> group)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            // Opened here rather than by EF Core, so its interceptors do not run: SQLite waits for the write lock itself.
            await connection.OpenAsync();
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 30000;"; // as SqliteBusyTimeout does for EF Core's connections
            await pragma.ExecuteNonQueryAsync();
        }

        // Disposed inside the caller's try: an uncommitted transaction rolls back as it is disposed, and that can fail too.
        await using var transaction = await connection.BeginTransactionAsync();
        for (var index = 0; index < group.Count; index++)
        {
            var savepoint = "a" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await transaction.SaveAsync(savepoint);
            var kept = await group[index].RunAsync(connection, transaction);
            if (!kept)
            {
                await transaction.RollbackAsync(savepoint);
            }

            await transaction.ReleaseAsync(savepoint);
        }

        await transaction.CommitAsync();
    }

    private abstract class Pending
    {
        public abstract bool Cancelled { get; }

        /// <summary>Runs the append; false when its savepoint must be rolled back (refused, or failed).</summary>
        public abstract Task<bool> RunAsync(DbConnection connection, DbTransaction transaction);

        /// <summary>Answers the caller, once the group committed.</summary>
        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Pending<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, Func<T, bool> keep, CancellationToken cancellationToken) : Pending
    {
        private T? _value;
        private Exception? _failure;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool Cancelled
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

        /// <summary>The caller's span: the writer runs the append under it, so its database spans are in the caller's trace.</summary>
        private readonly Activity? _request = DatabaseTelemetry.TracedRequest;

        public override async Task<bool> RunAsync(DbConnection connection, DbTransaction transaction)
        {
            if (_request is not null)
            {
                // Only for this append: an async method's change to the current span does not outlive it.
                Activity.Current = _request;
            }

            try
            {
                _value = await work(connection, transaction, cancellationToken);
                return keep(_value);
            }
            catch (Exception exception)
            {
                _failure = exception;
                return false;
            }
        }

        public override void Complete()
        {
            if (_failure is not null)
            {
                Result.TrySetException(_failure);
            }
            else
            {
                Result.TrySetResult(_value!);
            }
        }

        public override void Fail(Exception exception) => Result.TrySetException(_failure ?? exception);
    }
}
