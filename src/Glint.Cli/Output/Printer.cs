using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Glint.Cli.Output;

/// <summary>
/// What a command prints on standard output: the server's JSON unchanged (<c>--format json</c>, so <c>jq</c> reads
/// it as the API wrote it), indented, or as aligned columns for people.
/// </summary>
public sealed class Printer(ParseResult parse)
{
    // Re-serialized JSON stays as readable as the server wrote it (no \u escapes for + or non-ASCII letters).
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public OutputFormat Format { get; } = FormatOption.Read(parse);

    public TextWriter Out => parse.InvocationConfiguration.Output;

    public TextWriter Error => parse.InvocationConfiguration.Error;

    /// <summary>JSON as the server sent it (<c>json</c>) or indented (<c>json-pretty</c>).</summary>
    public Task WriteJsonAsync(string json) =>
        Out.WriteLineAsync(Format == OutputFormat.JsonPretty ? JsonNode.Parse(json)?.ToJsonString(Indented) ?? "null" : json);

    public Task WriteJsonAsync(JsonNode node) =>
        Out.WriteLineAsync(node.ToJsonString(Format == OutputFormat.JsonPretty ? Indented : Compact));

    /// <summary>One record, a name and a value per line.</summary>
    public async Task WriteRecordAsync(IReadOnlyList<(string Name, string Value)> fields)
    {
        var width = fields.Max(field => field.Name.Length) + 2;
        foreach (var (name, value) in fields)
        {
            await Out.WriteLineAsync((name.PadRight(width) + value).TrimEnd());
        }
    }

    /// <summary>Records as rows under a header line.</summary>
    public async Task WriteTableAsync(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = headers.Select((header, column) => rows.Select(row => row[column].Length).Append(header.Length).Max() + 2).ToArray();
        await Out.WriteLineAsync(Line(headers));
        foreach (var row in rows)
        {
            await Out.WriteLineAsync(Line(row));
        }

        string Line(IReadOnlyList<string> cells) => string.Concat(cells.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd();
    }

    /// <summary>A JSON value as a table cell: strings bare, arrays joined with commas, nothing for null.</summary>
    public static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonArray array => string.Join(", ", array.Select(Cell)),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };
}
