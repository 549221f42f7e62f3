using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Glint.Cli.Connection;
using Glint.Cli.Output;

namespace Glint.Cli.Tokens;

/// <summary>
/// <c>introspect token</c> (admin port, as an API gateway asks) and <c>revoke token</c> (public port, as the client
/// that holds the token; <c>--endpoint</c> is the public URL there, as in the hydra CLI).
/// </summary>
internal static class TokenCommands
{
    private static readonly Argument<string> TokenArgument = new("token") { Description = "An access or refresh token" };
    private static readonly Option<string[]> ScopeOption = new("--scope") { Description = "Scopes the token must have to count as active; repeat the flag or separate values with commas" };

    public static Command Introspect()
    {
        var command = new Command("token", HelpText.WithExample(
            "Show whether a token is active, and for whom (POST /admin/oauth2/introspect)",
            "glint introspect token glint_at_… --format json"));
        command.Arguments.Add(TokenArgument);
        command.Options.Add(ScopeOption);
        command.Options.Add(Endpoint.Admin.Option);
        command.Options.Add(FormatOption.Option);
        CliAction.Set(command, IntrospectAsync);
        return command;
    }

    public static Command Revoke()
    {
        var command = new Command("token", HelpText.WithExample(
            "Revoke an access or refresh token as the client it was issued to (POST /oauth2/revoke on the public port)",
            "glint revoke token glint_rt_… --client-id 5f0e… --client-secret …"));
        command.Arguments.Add(TokenArgument);
        command.Options.Add(Endpoint.Public.Option);
        ClientCredentials.AddTo(command);
        CliAction.Set(command, RevokeAsync);
        return command;
    }

    private static async Task<int> IntrospectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = new GlintHttp(Endpoint.Admin.Resolve(parse), Endpoint.Admin.Hint);
        var form = new Dictionary<string, string> { ["token"] = parse.GetValue(TokenArgument)! };
        var scopes = (parse.GetValue(ScopeOption) ?? []).SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (scopes.Length > 0)
        {
            form["scope"] = string.Join(' ', scopes);
        }

        var answer = await http.PostFormAsync("/admin/oauth2/introspect", form, null, cancellationToken);
        var printer = new Printer(parse);
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(answer.Body);
            return 0;
        }

        var token = answer.Json;
        await printer.WriteRecordAsync(
        [
            ("ACTIVE", Printer.Cell(token?["active"])),
            ("SUBJECT", Printer.Cell(token?["sub"])),
            ("CLIENT ID", Printer.Cell(token?["client_id"])),
            ("SCOPE", Printer.Cell(token?["scope"])),
            ("EXPIRY", token?["exp"] is JsonValue exp && exp.TryGetValue<long>(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : ""),
            ("TOKEN USE", Printer.Cell(token?["token_use"])),
        ]);
        return 0;
    }

    private static async Task<int> RevokeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var client = ClientCredentials.Read(parse);
        using var http = new GlintHttp(Endpoint.Public.Resolve(parse), Endpoint.Public.Hint);
        var token = parse.GetValue(TokenArgument)!;
        await client.PostAsync(http, "/oauth2/revoke", new Dictionary<string, string> { ["token"] = token }, cancellationToken);
        // RFC 7009 §2.2: the answer is 200 for an unknown token too, so this says only that the server took it.
        await parse.InvocationConfiguration.Output.WriteLineAsync(token);
        return 0;
    }
}
