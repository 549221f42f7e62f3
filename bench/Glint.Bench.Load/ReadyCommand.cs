using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Glint.Bench.Load;

/// <summary>
/// Time from starting a server process to its readiness URL answering 200, over several starts: the process is
/// started, the URL polled every 5 ms, and the process killed once it answered. The database is already migrated,
/// as at any restart. Prints the times, the best and the median, in milliseconds, and the CPU time (user and system) the
/// server had spent when it first answered: on a shared machine, less noisy than the time.
/// </summary>
public static class ReadyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var split = Array.IndexOf(args, "--");
        if (split < 0 || split == args.Length - 1)
        {
            throw new ArgumentException("ready: the server command follows --");
        }

        var options = Arguments.Parse(args[..split]);
        var url = new Uri(options.Required("url"));
        var runs = options.Count("runs", 5);
        var timeout = TimeSpan.FromSeconds(60);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var times = new List<double>();
        var cpu = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo(args[split + 1]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var part in args[(split + 2)..])
            {
                start.ArgumentList.Add(part);
            }

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                while (!await IsReadyAsync(http, url))
                {
                    if (process.HasExited || clock.Elapsed > timeout)
                    {
                        Console.Error.WriteLine($"ready: the server {(process.HasExited ? "exited" : "was not ready in time")}");
                        return 1;
                    }

                    await Task.Delay(5);
                }

                times.Add(Math.Round(clock.Elapsed.TotalMilliseconds, 1));
                process.Refresh();
                cpu.Add(Math.Round(process.TotalProcessorTime.TotalMilliseconds));
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        var sorted = times.Order().ToList();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            runs = times, best_ms = sorted[0], median_ms = sorted[sorted.Count / 2], cpu_runs = cpu, cpu_median_ms = cpu.Order().ElementAt(cpu.Count / 2),
        }));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready: {string.Join(", ", times)} ms"));
        return 0;
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
