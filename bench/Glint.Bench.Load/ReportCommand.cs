using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Bench.Load;

/// <summary>
/// The one table of a run: every figure with the load it was measured under, its throughput and latency, its
/// errors, its ratio to the peer or the ceiling measured in the same run, and the issue's target with met or
/// missed. A figure with errors is invalid, whatever it shows. Written as Markdown and JSON and printed.
/// </summary>
public static class ReportCommand
{
    private sealed record Target(string Scenario, string? Storage, string Text, Func<JsonObject, double?, bool> Met);

    /// <summary>The issue's targets; ratios are to the peer (oidc-provider) or the ceiling (bare Kestrel) of the same run.</summary>
    private static readonly Target[] Targets =
    [
        new("token-opaque", null, "≥ 2× peer", (_, ratio) => ratio >= 2),
        new("token-jwt", null, "≥ 2× peer", (_, ratio) => ratio >= 2),
        new("introspect", null, "≥ 2× peer", (_, ratio) => ratio >= 2),
        new("discovery", null, "≥ 4× peer", (_, ratio) => ratio >= 4),
        new("graphql-me-oauth2", null, "≥ 0.2× ceiling, p99 < 10 ms", (row, ratio) => ratio >= 0.2 && Number(row, "p99_ms") < 10),
        new("flows", "postgres", "≥ 500/s", (row, _) => Number(row, "rps") >= 500),
        new("flows", "sqlite", "≥ 300/s", (row, _) => Number(row, "rps") >= 300),
        new("payments", "postgres", "≥ 2000/s", (row, _) => Number(row, "rps") >= 2000),
        new("payments", "sqlite", "≥ 1000/s", (row, _) => Number(row, "rps") >= 1000),
        new("ledger-verify", null, "invariants hold", (row, _) => row["valid"]?.GetValue<bool>() == true),
        new("rss", null, "≤ 200 MB", (row, _) => Number(row, "value") <= 200),
        new("ready", null, "≤ 1.0 s", (row, _) => Number(row, "value") <= 1000),
    ];

    private const string Peer = "oidc-provider";

    private const string Ceiling = "kestrel";

    /// <summary>
    /// Each scenario with the figure its rows are compared with: the peer's or the ceiling's row of the scenario named.
    /// Every other server's row gets a ratio to it: Glint's, and the protocol engine's alone (openiddict-alone).
    /// </summary>
    private static readonly (string Scenario, string Title, (string Scenario, string Server)? Reference)[] Scenarios =
    [
        ("token-opaque", "client_credentials, opaque token", ("token-opaque", Peer)),
        ("token-jwt", "client_credentials, JWT access token", ("token-jwt", Peer)),
        ("introspect", "introspection of a valid opaque token", ("introspect", Peer)),
        ("discovery", "discovery document", ("discovery", Peer)),
        ("ceiling", "bare Kestrel, small JSON (the ceiling)", null),
        ("graphql-me-oauth2", "GraphQL me (wallets) with Oauth2-Token", ("ceiling", Ceiling)),
        ("graphql-me-apikey", "GraphQL me (wallets) with X-API-KEY", ("ceiling", Ceiling)),
        ("flows", "complete authorization code flows", null),
        ("payments", "intraLedgerPaymentSend, 1 sat between pairs", null),
        ("ledger-verify", "glint ledger verify after the payments", null),
        ("rss", "peak RSS (VmHWM) after all the runs", null),
        ("ready", "start to /health/ready 200", null),
    ];

    private static readonly string[] Storages = ["memory", "none", "sqlite", "postgres"];

    public static async Task<int> RunAsync(Arguments args)
    {
        var results = (await File.ReadAllLinesAsync(args.Required("results")))
            .Where(line => line.Trim().Length > 0)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToList();
        var rows = new JsonArray();
        foreach (var (scenario, title, reference) in Scenarios)
        {
            var measured = results.Where(row => Text(row, "scenario") == scenario)
                .OrderBy(row => Array.IndexOf(Storages, Text(row, "db")));
            foreach (var row in measured)
            {
                rows.Add(Judge(row, title, reference, results));
            }
        }

        var machine = args.Optional("machine") ?? "";
        var notes = (args.Optional("notes") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var markdown = Markdown(rows, machine, notes);
        await File.WriteAllTextAsync(args.Required("markdown"), markdown);
        var document = new JsonObject
        {
            ["generated_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["machine"] = machine,
            ["notes"] = new JsonArray([.. notes.Select(note => (JsonNode)note)]),
            ["rows"] = rows,
        };
        await File.WriteAllTextAsync(args.Required("json"), document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(markdown);
        return 0;
    }

    private static JsonObject Judge(JsonObject measured, string title, (string Scenario, string Server)? reference, List<JsonObject> results)
    {
        var row = (JsonObject)measured.DeepClone();
        row["title"] = title;
        var glint = Text(row, "server") == "glint";
        double? ratio = null;
        if (reference is { } compared && Text(row, "server") != compared.Server &&
            results.FirstOrDefault(other => Text(other, "scenario") == compared.Scenario && Text(other, "server") == compared.Server) is { } against &&
            Number(against, "rps") > 0)
        {
            ratio = Math.Round(Number(row, "rps") / Number(against, "rps"), 2);
            row["ratio"] = ratio;
            row["ratio_to"] = Text(against, "server");
        }

        var target = glint ? Targets.FirstOrDefault(candidate =>
            candidate.Scenario == Text(row, "scenario") && (candidate.Storage is null || candidate.Storage == Text(row, "db"))) : null;
        if (target is not null)
        {
            row["target"] = target.Text;
        }

        var errors = (int)Number(row, "errors");
        row["result"] = errors > 0 ? "invalid: errors"
            : target is null ? null
            : target.Met(row, ratio) ? "met"
            : "missed";
        return row;
    }

    private static string Markdown(JsonArray rows, string machine, string[] notes)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        text.AppendLine();
        text.AppendLine("| Scenario | Server | Storage | Load | Throughput | p50 | p99 | Errors | Ratio | Target | Result |");
        text.AppendLine("|---|---|---|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var node in rows)
        {
            var row = node!.AsObject();
            var throughput = row["rps"] is not null ? $"{Number(row, "rps"):0.#} {Text(row, "unit")}"
                : row["value"] is not null ? $"{Number(row, "value"):0.#} {Text(row, "unit")}"
                : row["valid"] is not null ? (row["valid"]!.GetValue<bool>() ? "valid" : "VIOLATED") + $" ({Number(row, "entries"):0} entries)"
                : "";
            var ratio = row["ratio"] is not null ? $"{Number(row, "ratio"):0.00}× {Text(row, "ratio_to")}" : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Text(row, "title")} | {Text(row, "server")} | {Text(row, "db")} | {Text(row, "load")} | {throughput} | {Ms(row, "p50_ms")} | {Ms(row, "p99_ms")} " +
                $"| {Errors(row)} | {ratio} | {Text(row, "target")} | {Text(row, "result")} |");
        }

        return text.ToString();
    }

    private static string Errors(JsonObject row) =>
        row["errors"] is null ? "" : Number(row, "errors") == 0 ? "0" : $"{Number(row, "errors"):0} ({Text(row, "first_error")})".Replace("|", "/", StringComparison.Ordinal);

    private static string Ms(JsonObject row, string name) => row[name] is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{Number(row, name):0.00} ms");

    private static string Text(JsonObject row, string name) => row[name]?.ToString() ?? "";

    private static double Number(JsonObject row, string name) => row[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : 0;
}
