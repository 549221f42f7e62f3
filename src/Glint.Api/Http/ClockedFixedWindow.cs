using System.Threading.RateLimiting;

namespace Glint.Api.Http;

/// <summary>
/// A fixed window of <c>permits</c> requests on the server's <see cref="TimeProvider"/>, without a queue: a request
/// over the limit is refused at once, its lease saying when the window ends (<see cref="MetadataName.RetryAfter"/>).
/// The framework's fixed window reads the machine's clock and replenishes on a timer of its own; this one counts by
/// the clock every other part of Glint reads, so the limit's windows follow it (and a test moves time rather than
/// waits for it). Windows are aligned to multiples of their length since the epoch.
/// </summary>
internal sealed class ClockedFixedWindow(int permits, TimeSpan window, TimeProvider time) : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(null);

    private readonly Lock _gate = new();
    private long _window = long.MinValue;
    private int _used;
    private long _failed;
    private long _succeeded;
    private DateTimeOffset _lastUsed = time.GetUtcNow();

    /// <summary>Idle once its window has passed, so the partitioned limiter may drop it.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_gate)
            {
                return WindowOf(now) == _window ? null : now - _lastUsed;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = WindowOf(time.GetUtcNow()) == _window ? permits - _used : permits,
                CurrentQueuedCount = 0,
                TotalFailedLeases = _failed,
                TotalSuccessfulLeases = _succeeded,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        var now = time.GetUtcNow();
        var current = WindowOf(now);
        lock (_gate)
        {
            if (current != _window)
            {
                _window = current;
                _used = 0;
            }

            _lastUsed = now;
            if (_used + permitCount <= permits)
            {
                _used += permitCount;
                _succeeded++;
                return Granted;
            }

            _failed++;
        }

        return new Lease(TimeSpan.FromTicks((current + 1) * window.Ticks) - TimeSpan.FromTicks(now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks));
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private long WindowOf(DateTimeOffset now) => (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / window.Ticks;

    /// <summary>Granted (no metadata), or refused with the time left in the window.</summary>
    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
            return metadata is not null;
        }
    }
}
