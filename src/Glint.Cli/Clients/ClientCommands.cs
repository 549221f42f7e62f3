using System.CommandLine;
using System.Text.Json.Nodes;
using Glint.Cli.Connection;
using Glint.Cli.Output;

namespace Glint.Cli.Clients;

/// <summary>
/// <c>create|get|update|delete client</c> and <c>list clients</c> on the admin API, with the hydra CLI's names,
/// flags and output, so that scripts written for <c>hydra</c> run with <c>glint</c>.
/// </summary>
internal static class ClientCommands
{
    private const string ClientsPath = ClientPages.Path;

    private static readonly Argument<string> IdArgument = new("id") { Description = "The client's id" };
    private static readonly Argument<string[]> IdsArgument = new("ids") { Description = "The clients' ids", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<int?> PageSizeOption = new("--page-size") { Description = "Clients per page (default 250, at most 1000)" };
    private static readonly Option<string?> PageTokenOption = new("--page-token") { Description = "The page to show, as printed after the previous page" };

    public static Command Create()
    {
        var command = Client(
            "Create an OAuth2 client (POST /admin/clients). A generated secret is shown only here.",
            "glint create client --name dashboard --grant-type authorization_code,refresh_token --response-type code,id_token \\\n" +
            "      --scope read --scope write --redirect-uri http://localhost:3001/api/auth/callback/blink --format json | jq -r .client_secret");
        command.Options.Add(ClientFlags.Id);
        ClientFlags.AddTo(command);
        CliAction.Set(command, CreateAsync);
        return command;
    }

    public static Command Get()
    {
        var command = Client("Show OAuth2 clients (GET /admin/clients/ID); secrets are never shown", "glint get client 5f0e… --format json");
        command.Arguments.Add(IdsArgument);
        CliAction.Set(command, GetAsync);
        return command;
    }

    public static Command List()
    {
        var command = new Command("clients", HelpText.WithExample("List OAuth2 clients (GET /admin/clients), one page at a time", "glint list clients --page-size 100"));
        command.Aliases.Add("oauth2-clients");
        AddCommon(command);
        command.Options.Add(PageSizeOption);
        command.Options.Add(PageTokenOption);
        CliAction.Set(command, ListAsync);
        return command;
    }

    public static Command Update()
    {
        var command = Client(
            "Change an OAuth2 client: only the fields whose flags are given (PATCH /admin/clients/ID)",
            "glint update client 5f0e… --redirect-uri https://app.example.com/callback --skip-consent");
        command.Arguments.Add(IdArgument);
        ClientFlags.AddTo(command);
        CliAction.Set(command, UpdateAsync);
        return command;
    }

    public static Command Delete()
    {
        var command = Client("Delete OAuth2 clients with their tokens (DELETE /admin/clients/ID)", "glint delete client 5f0e… 7a1c…");
        command.Arguments.Add(IdsArgument);
        CliAction.Set(command, DeleteAsync);
        return command;
    }

    public static Command DeleteAccessTokens()
    {
        var command = new Command("access-tokens", HelpText.WithExample("Revoke every access token of a client (DELETE /admin/oauth2/tokens)", "glint delete access-tokens 5f0e…"));
        command.Arguments.Add(IdArgument);
        AddCommon(command);
        CliAction.Set(command, DeleteAccessTokensAsync);
        return command;
    }

    private static async Task<int> CreateAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var created = await http.SendJsonAsync(HttpMethod.Post, ClientsPath, ClientFlags.CreateBody(parse), cancellationToken);
        await ClientOutput.WriteAsync(new Printer(parse), created.Body, ClientFlags.Secret(parse));
        return 0;
    }

    private static async Task<int> GetAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var printer = new Printer(parse);
        var ids = parse.GetValue(IdsArgument)!;
        var bodies = new List<string>();
        foreach (var id in ids)
        {
            bodies.Add((await http.GetAsync(ClientPath(id), cancellationToken)).Body);
        }

        if (bodies.Count == 1)
        {
            await ClientOutput.WriteAsync(printer, bodies[0]);
        }
        else
        {
            await ClientOutput.WriteManyAsync(printer, [.. bodies.Select(body => JsonNode.Parse(body))]);
        }

        return 0;
    }

    private static async Task<int> ListAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var query = new List<string>();
        if (parse.GetValue(PageSizeOption) is { } size)
        {
            query.Add("page_size=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (parse.GetValue(PageTokenOption) is { Length: > 0 } token)
        {
            query.Add("page_token=" + Uri.EscapeDataString(token));
        }

        var page = await http.GetAsync(ClientsPath + (query.Count == 0 ? "" : "?" + string.Join('&', query)), cancellationToken);
        var clients = page.Json as JsonArray ?? [];
        var next = ClientPages.NextPageToken(page.Headers);
        var printer = new Printer(parse);
        if (printer.Format != OutputFormat.Table)
        {
            // The hydra CLI's paginated list shape, with the server's client objects as items.
            await printer.WriteJsonAsync(new JsonObject
            {
                ["items"] = clients.DeepClone(),
                ["next_page_token"] = next ?? "",
                ["is_last_page"] = next is null,
            });
            return 0;
        }

        await ClientOutput.WriteManyAsync(printer, [.. clients]);
        if (next is not null)
        {
            await printer.Out.WriteLineAsync();
            await printer.Out.WriteLineAsync("NEXT PAGE TOKEN  " + next);
        }

        return 0;
    }

    private static async Task<int> UpdateAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var operations = ClientFlags.PatchOperations(parse);
        if (operations.Count == 0)
        {
            throw new CliException("nothing to update: give the flags of the fields to change, such as --redirect-uri or --scope.");
        }

        using var http = Connect(parse);
        var updated = await http.SendJsonAsync(HttpMethod.Patch, ClientPath(parse.GetValue(IdArgument)!), operations, cancellationToken);
        await ClientOutput.WriteAsync(new Printer(parse), updated.Body, ClientFlags.Secret(parse));
        return 0;
    }

    private static async Task<int> DeleteAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var printer = new Printer(parse);
        var deleted = new List<string>();
        var failed = 0;
        foreach (var id in parse.GetValue(IdsArgument)!)
        {
            try
            {
                await http.DeleteAsync(ClientPath(id), cancellationToken);
                deleted.Add(id);
            }
            catch (CliException failure)
            {
                // The others are still deleted, as the hydra CLI does; the exit code tells that one failed.
                await printer.Error.WriteLineAsync(failure.Render());
                failed++;
            }
        }

        if (printer.Format == OutputFormat.Table)
        {
            foreach (var id in deleted)
            {
                await printer.Out.WriteLineAsync(id);
            }
        }
        else
        {
            await printer.WriteJsonAsync(new JsonArray([.. deleted.Select(id => (JsonNode)id)]));
        }

        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> DeleteAccessTokensAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var id = parse.GetValue(IdArgument)!;
        await http.DeleteAsync("/admin/oauth2/tokens?client_id=" + Uri.EscapeDataString(id), cancellationToken);
        await parse.InvocationConfiguration.Output.WriteLineAsync(id);
        return 0;
    }

    private static Command Client(string description, string example)
    {
        var command = new Command("client", HelpText.WithExample(description, example));
        command.Aliases.Add("oauth2-client");
        AddCommon(command);
        return command;
    }

    private static void AddCommon(Command command)
    {
        command.Options.Add(Endpoint.Admin.Option);
        command.Options.Add(FormatOption.Option);
    }

    private static GlintHttp Connect(ParseResult parse) => new(Endpoint.Admin.Resolve(parse), Endpoint.Admin.Hint);

    private static string ClientPath(string id) => ClientsPath + "/" + Uri.EscapeDataString(id);
}
