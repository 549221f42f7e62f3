using System.Threading.Channels;
using Glint.Data;
using Glint.Data.Audit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Glint.Auth.Audit;

/// <summary>
/// Stores queued audit events in batches, off the request path: a batch is written at most <see cref="FlushWindow"/>
/// after its first event queued (sooner once it is full), so under load many events share one insert and the token
/// writer keeps the database's write lock to itself most of the time (SQLite has one). The queue is bounded; when it
/// is full (the database has fallen far behind) an event is dropped and counted (<c>glint.audit.events.dropped</c>)
/// rather than slowing the token endpoint. On shutdown the queue is drained.
/// </summary>
public sealed partial class AuditBatchWriter(IServiceScopeFactory scopes, ILogger<AuditBatchWriter> logger) : BackgroundService
{
    public const int Capacity = 10_000;
    public static readonly TimeSpan FlushWindow = TimeSpan.FromMilliseconds(200);
    private const int MaxBatch = 500;

    private readonly Channel<AuditEvent> _queue = Channel.CreateBounded<AuditEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _queued;
    private long _settled;
    private TaskCompletionSource _batchDone = NewSignal();
    private readonly SemaphoreSlim _flushNow = new(0);

    /// <summary>Queues <paramref name="row"/> as it is: <see cref="AuditTrail"/> makes its rows storable first.</summary>
    public void Add(AuditEvent row)
    {
        if (_queue.Writer.TryWrite(row))
        {
            Interlocked.Increment(ref _queued);
        }
        else
        {
            AuditTelemetry.Dropped.Add(1);
        }
    }

    /// <summary>Completes once every event queued before the call is stored (or given up on).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _queued);
        while (true)
        {
            // Taken before the check: a batch that ends in between completes this signal, not a later one.
            var batchDone = Volatile.Read(ref _batchDone).Task;
            if (Interlocked.Read(ref _settled) >= target)
            {
                return;
            }

            _flushNow.Release();
            await batchDone.WaitAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (_queue.Reader.Count < MaxBatch)
                {
                    // Ends early when a flush is asked for.
                    await _flushNow.WaitAsync(FlushWindow, stoppingToken);
                }

                await WriteBatchAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued is written below.
        }

        while (_queue.Reader.TryPeek(out _))
        {
            await WriteBatchAsync(CancellationToken.None);
        }
    }

    private async Task WriteBatchAsync(CancellationToken cancellationToken)
    {
        var batch = new List<AuditEvent>();
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var row))
        {
            batch.Add(row);
        }

        try
        {
            var lost = await StoreAsync(batch, cancellationToken);
            if (lost > 0)
            {
                // The events are in the log already; these rows are lost, and the next batch tries again.
                AuditTelemetry.Dropped.Add(lost);
            }
        }
        finally
        {
            Interlocked.Add(ref _settled, batch.Count);
            Interlocked.Exchange(ref _batchDone, NewSignal()).TrySetResult();
        }
    }

    /// <summary>
    /// Stores <paramref name="rows"/> in one insert, and returns how many were lost. A refused insert is tried again as
    /// two halves (see <see cref="StoreHalvesAsync"/>), so that a row the database will not take costs only itself.
    /// </summary>
    private async Task<int> StoreAsync(IReadOnlyList<AuditEvent> rows, CancellationToken cancellationToken) =>
        await TryStoreAsync(rows, cancellationToken) is { } failure ? await StoreHalvesAsync(rows, failure, cancellationToken) : 0;

    /// <summary>
    /// <paramref name="rows"/> were refused together: each half is tried on its own, and a half refused again is
    /// halved in turn. When both halves are refused, the database is taken to be unavailable (or several rows bad) and
    /// the rows are given up: an outage costs three inserts a batch, not one a row.
    /// </summary>
    private async Task<int> StoreHalvesAsync(IReadOnlyList<AuditEvent> rows, Exception failure, CancellationToken cancellationToken)
    {
        if (rows.Count > 1)
        {
            var first = rows.Take(rows.Count / 2).ToList();
            var second = rows.Skip(rows.Count / 2).ToList();
            var firstFailure = await TryStoreAsync(first, cancellationToken);
            var secondFailure = await TryStoreAsync(second, cancellationToken);
            if (firstFailure is null || secondFailure is null)
            {
                return (firstFailure is null ? 0 : await StoreHalvesAsync(first, firstFailure, cancellationToken))
                    + (secondFailure is null ? 0 : await StoreHalvesAsync(second, secondFailure, cancellationToken));
            }
        }

        LogBatchFailed(logger, rows.Count, failure);
        return rows.Count;
    }

    private async Task<Exception?> TryStoreAsync(IReadOnlyList<AuditEvent> rows, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            db.AuditEvents.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    public override void Dispose()
    {
        _flushNow.Dispose();
        base.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 4310, Level = LogLevel.Error, Message = "{Count} audit events could not be stored; they are in the log only")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
