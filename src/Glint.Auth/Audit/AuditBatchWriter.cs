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

    internal void Add(AuditEvent row)
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
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            db.AuditEvents.AddRange(batch);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            // The events are in the log already; the rows of this batch are lost, and the next batch tries again.
            AuditTelemetry.Dropped.Add(batch.Count);
            LogBatchFailed(logger, batch.Count, exception);
        }
        finally
        {
            Interlocked.Add(ref _settled, batch.Count);
            Interlocked.Exchange(ref _batchDone, NewSignal()).TrySetResult();
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
