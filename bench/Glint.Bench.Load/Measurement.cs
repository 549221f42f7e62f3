using System.Text.Json.Serialization;

namespace Glint.Bench.Load;

/// <summary>What a load run measured, in the shape bench/wrk/request.lua prints for wrk's runs.</summary>
public sealed record Measurement(
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("rps")] double PerSecond,
    [property: JsonPropertyName("p50_ms")] double P50,
    [property: JsonPropertyName("p90_ms")] double P90,
    [property: JsonPropertyName("p99_ms")] double P99,
    [property: JsonPropertyName("max_ms")] double Max,
    [property: JsonPropertyName("errors")] int Errors,
    [property: JsonPropertyName("first_error")] string? FirstError)
{
    /// <summary>The server's CPU time (user and system) per iteration, as bench/run.sh measures it for wrk's runs.</summary>
    [JsonPropertyName("server_cpu_us_per_req")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ServerCpuMicrosecondsPerRequest { get; init; }

    public static Measurement From(double[] latencies, double seconds, int errors, string? firstError)
    {
        Array.Sort(latencies);
        return new Measurement(latencies.Length, Math.Round(seconds, 3), Math.Round(latencies.Length / seconds, 1),
            Percentile(latencies, 50), Percentile(latencies, 90), Percentile(latencies, 99),
            latencies.Length == 0 ? 0 : Math.Round(latencies[^1], 3), errors, firstError);
    }

    /// <summary>Nearest rank on sorted values.</summary>
    private static double Percentile(double[] sorted, double percent) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(percent / 100 * sorted.Length) - 1, 0, sorted.Length - 1)], 3);
}
