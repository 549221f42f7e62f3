using System.Diagnostics;

namespace Glint.Bench.Load;

/// <summary>
/// Runs one iteration per worker in a loop until the duration is over, and measures each: a closed loop with a
/// fixed number of workers, as wrk's connections are. A failed iteration counts as an error; the first error's
/// message is kept to say what went wrong.
/// </summary>
public static class LoadRun
{
    public static async Task<Measurement> RunAsync(int workers, TimeSpan duration, Func<int, CancellationToken, Task> iteration)
    {
        var latencies = new List<double>[workers];
        var errors = 0;
        string? firstError = null;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync(int worker)
        {
            var mine = latencies[worker] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await iteration(worker, stop.Token);
                }
                catch (Exception exception) when (exception is BenchFailureException or HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, exception.Message, null);
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(() => WorkerAsync(worker))));
        var seconds = clock.Elapsed.TotalSeconds;
        return Measurement.From([.. latencies.SelectMany(list => list)], seconds, errors, firstError);
    }
}
