using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Bench.Load;

/// <summary>Complete authorization code flows (<see cref="CodeFlow"/>) by concurrent workers, for the seeded users in turn.</summary>
public static class FlowsCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var seed = JsonNode.Parse(await File.ReadAllTextAsync(args.Required("seed")))!;
        var client = seed["code_client"]!;
        var users = seed["users"]!.AsArray().Select(user => user!["id"]!.GetValue<string>()).ToArray();
        using var http = BenchHttp.Create();
        var flow = new CodeFlow(http, args.Url("public"), args.Url("admin"), new CodeClient(
            client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), client["redirect_uri"]!.GetValue<string>()));
        var next = 0;
        var workers = args.Count("workers", 32);
        var measurement = await LoadRun.RunAsync(workers, args.Duration("warmup", TimeSpan.Zero), args.Duration("duration", TimeSpan.FromSeconds(10)), args.Process("server-pid"), (_, cancellationToken) =>
            flow.RunAsync(users[(Interlocked.Increment(ref next) & int.MaxValue) % users.Length], ["read", "write"], cancellationToken));
        Console.WriteLine(JsonSerializer.Serialize(measurement));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"flows: {workers} workers, {measurement.PerSecond}/s"));
        return 0;
    }
}
