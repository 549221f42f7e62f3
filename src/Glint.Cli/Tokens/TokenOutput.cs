using System.Text.Json.Nodes;
using Glint.Cli.Output;

namespace Glint.Cli.Tokens;

/// <summary>A token endpoint answer: its JSON unchanged, or the tokens one per line.</summary>
internal static class TokenOutput
{
    public static async Task WriteAsync(Printer printer, string body)
    {
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(body);
            return;
        }

        var tokens = JsonNode.Parse(body);
        await printer.WriteRecordAsync(
        [
            ("ACCESS TOKEN", Printer.Cell(tokens?["access_token"])),
            ("REFRESH TOKEN", Printer.Cell(tokens?["refresh_token"])),
            ("ID TOKEN", Printer.Cell(tokens?["id_token"])),
            ("SCOPE", Printer.Cell(tokens?["scope"])),
            ("EXPIRES IN", tokens?["expires_in"] is { } seconds ? Printer.Cell(seconds) + "s" : ""),
        ]);
    }
}
