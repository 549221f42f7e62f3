using System.CommandLine;
using System.Text.Json.Nodes;
using Glint.Cli.Connection;
using Glint.Cli.Output;

namespace Glint.Cli.Keys;

/// <summary>
/// <c>glint get jwks &lt;set&gt;…</c>: the signing keys of a running Glint as its admin API shows them
/// (<c>GET /admin/keys/{set}</c>, public members only), as <c>hydra get jwks</c> prints them.
/// </summary>
public static class KeyCommands
{
    private static readonly Argument<string[]> SetsArgument = new("set")
    {
        Description = "Key sets to show: hydra.openid.id-token or hydra.jwt.access-token",
        Arity = ArgumentArity.OneOrMore,
    };

    public static Command Get()
    {
        var command = new Command("jwks", HelpText.WithExample("Show the public keys of JSON Web Key sets (GET /admin/keys/{set})", "glint get jwks hydra.openid.id-token"));
        command.Aliases.Add("jwk");
        command.Arguments.Add(SetsArgument);
        command.Options.Add(Endpoint.Admin.Option);
        command.Options.Add(FormatOption.Option);
        CliAction.Set(command, GetAsync);
        return command;
    }

    private static async Task<int> GetAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = new GlintHttp(Endpoint.Admin.Resolve(parse), Endpoint.Admin.Hint);
        var sets = new List<(string Set, JsonNode? Keys)>();
        foreach (var set in parse.GetValue(SetsArgument)!)
        {
            sets.Add((set, (await http.GetAsync("/admin/keys/" + Uri.EscapeDataString(set), cancellationToken)).Json));
        }

        var printer = new Printer(parse);
        if (printer.Format != OutputFormat.Table)
        {
            // One set prints as the API answers it; several as one set holding all their keys, as the hydra CLI does.
            var keys = new JsonArray([.. sets.SelectMany(set => set.Keys?["keys"] as JsonArray ?? []).Select(key => key?.DeepClone())]);
            await printer.WriteJsonAsync(new JsonObject { ["keys"] = keys });
            return 0;
        }

        await printer.WriteTableAsync(["SET ID", "KEY ID", "ALGORITHM", "USE", "TYPE"],
            [.. sets.SelectMany(set => (set.Keys?["keys"] as JsonArray ?? []).Select(key => (IReadOnlyList<string>)
            [
                set.Set, Printer.Cell(key?["kid"]), Printer.Cell(key?["alg"]), Printer.Cell(key?["use"]), Printer.Cell(key?["kty"]),
            ]))]);
        return 0;
    }
}
