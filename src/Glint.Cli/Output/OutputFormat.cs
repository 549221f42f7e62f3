using System.CommandLine;

namespace Glint.Cli.Output;

public enum OutputFormat
{
    Table,
    Json,
    JsonPretty,
}

/// <summary><c>--format</c>, as the hydra CLI spells it: <c>table</c> (also <c>default</c>), <c>json</c> or <c>json-pretty</c>.</summary>
public static class FormatOption
{
    public static Option<string> Option { get; } = Create();

    public static OutputFormat Read(ParseResult parse) => parse.GetValue(Option) switch
    {
        "json" => OutputFormat.Json,
        "json-pretty" => OutputFormat.JsonPretty,
        _ => OutputFormat.Table,
    };

    private static Option<string> Create()
    {
        var option = new Option<string>("--format")
        {
            Description = "Output format: table, json (the server's JSON, unchanged) or json-pretty",
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong("table", "default", "json", "json-pretty");
        return option;
    }
}
