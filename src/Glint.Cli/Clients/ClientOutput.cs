using System.Text.Json.Nodes;
using Glint.Cli.Output;

namespace Glint.Cli.Clients;

/// <summary>Clients as the hydra CLI shows them: the server's JSON, or the columns people look at.</summary>
internal static class ClientOutput
{
    private static readonly string[] Headers = ["CLIENT ID", "CLIENT SECRET", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "REDIRECT URIS"];

    /// <summary>One client. <paramref name="knownSecret"/> is shown when the answer has none (the hydra CLI shows the flag's value).</summary>
    public static async Task WriteAsync(Printer printer, string body, string? knownSecret = null)
    {
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(body);
            return;
        }

        var cells = Row(JsonNode.Parse(body), knownSecret);
        await printer.WriteRecordAsync([.. Headers.Zip(cells)]);
    }

    /// <summary>Several clients: a JSON array of the server's objects, or one row each.</summary>
    public static async Task WriteManyAsync(Printer printer, IReadOnlyList<JsonNode?> clients)
    {
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(new JsonArray([.. clients.Select(client => client?.DeepClone())]));
            return;
        }

        await printer.WriteTableAsync(Headers, [.. clients.Select(client => Row(client, null))]);
    }

    private static string[] Row(JsonNode? client, string? knownSecret) =>
    [
        Printer.Cell(client?["client_id"]),
        client?["client_secret"] is { } secret ? Printer.Cell(secret) : knownSecret ?? "",
        Printer.Cell(client?["grant_types"]),
        Printer.Cell(client?["response_types"]),
        Printer.Cell(client?["scope"]),
        Printer.Cell(client?["audience"]),
        Printer.Cell(client?["redirect_uris"]),
    ];
}
