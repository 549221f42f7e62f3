using System.Diagnostics;

namespace Glint.Bench.Load;

/// <summary>
/// Runs one iteration per worker in a loop until the duration is over, and measures each: a closed loop with a
/// fixed number of workers, as wrk's connections are. A failed iteration counts as an error; the first error's
/// message is kept to say what went wrong. A warm-up runs the same loop first, in the same process, and is not
/// measured: the driver's own code is compiled and its connections open before the measurement, so the CPU the
/// driver takes from the server (on the same cores) is only what the iterations need.
/// </summary>
public static class LoadRun
{
    /// <summary>
    /// Measures <paramref name="iteration"/> after the warm-up; with the <paramref name="server"/>'s process (on this
    /// machine) its CPU time per iteration too.
    /// </summary>
    public static async Task<Measurement> RunAsync(
        int workers, TimeSpan warmup, TimeSpan duration, Process? server, Func<int, CancellationToken, Task> iteration)
    {
        if (warmup > TimeSpan.Zero)
        {
            await MeasureAsync(workers, warmup, iteration);
        }

        var cpuBefore = CpuTime(server);
        var measurement = await MeasureAsync(workers, duration, iteration);
        return server is null || measurement.Requests == 0
            ? measurement
            : measurement with { ServerCpuMicrosecondsPerRequest = Math.Round((CpuTime(server) - cpuBefore).TotalMicroseconds / measurement.Requests) };
    }

    private static TimeSpan CpuTime(Process? process)
    {
        process?.Refresh();
        return process?.TotalProcessorTime ?? TimeSpan.Zero;
    }

    private static async Task<Measurement> MeasureAsync(int workers, TimeSpan duration, Func<int, CancellationToken, Task> iteration)
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
