using System.CommandLine;
using System.Text.Json.Nodes;
using Glint.Cli.Connection;
using Glint.Cli.Output;

namespace Glint.Cli.Apps;

/// <summary>
/// <c>glint apps …</c>: the operator's review of apps registered in the developer portal, on the admin API
/// (<c>/admin/apps</c>). Decisions print the app as it is afterwards.
/// </summary>
public static class AppCommands
{
    private const string AppsPath = "/admin/apps";

    private static readonly Argument<string> IdArgument = new("id") { Description = "The app's id" };
    private static readonly Option<string?> StatusOption = CreateStatusOption();
    private static readonly Option<string[]> ScopeOption = new("--scope") { Description = "Grant these scopes instead of those asked for (repeat or comma-separate)", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<bool> SkipConsentOption = new("--skip-consent") { Description = "Users are not asked to consent to this app (for first-party apps)" };
    private static readonly Option<string?> MessageOption = new("--message") { Description = "What the developer must change", Required = true };
    private static readonly Option<string?> ReasonOption = new("--reason") { Description = "Why, for the developer", Required = true };
    private static readonly Option<string?> SuspendReasonOption = new("--reason") { Description = "Why, for the developer" };

    private static readonly string[] Headers = ["ID", "NAME", "STATUS", "OWNER", "SCOPE", "CLIENT ID", "MESSAGE"];

    public static Command Build()
    {
        var apps = new Command("apps", "Review the apps developers register in the developer portal (/admin/apps)");

        var list = Noun("list", "List apps, oldest first; --status pending lists those awaiting review", "glint apps list --status pending");
        list.Options.Add(StatusOption);
        CliAction.Set(list, ListAsync);

        var show = WithId("show", "Show an app with what it asks for", "glint apps show 5f0e…");
        CliAction.Set(show, (parse, token) => GetAsync(parse, "", token));

        var history = WithId("history", "Show an app's history: registration, edits, decisions and secret rotations", "glint apps history 5f0e…");
        CliAction.Set(history, HistoryAsync);

        var approve = WithId("approve", "Approve a pending app: its OAuth client is created and the developer is shown the secret once",
            "glint apps approve 5f0e… --scope read --scope receive");
        approve.Options.Add(ScopeOption);
        approve.Options.Add(SkipConsentOption);
        CliAction.Set(approve, (parse, token) => DecideAsync(parse, "approve", Body(parse), token));

        var changes = WithId("request-changes", "Send a pending app back to its developer with what to change", "glint apps request-changes 5f0e… --message \"Use https for the callback\"");
        changes.Options.Add(MessageOption);
        CliAction.Set(changes, (parse, token) => DecideAsync(parse, "request-changes", new JsonObject { ["message"] = parse.GetValue(MessageOption) }, token));

        var reject = WithId("reject", "Reject a pending app", "glint apps reject 5f0e… --reason \"Not a wallet app\"");
        reject.Options.Add(ReasonOption);
        CliAction.Set(reject, (parse, token) => DecideAsync(parse, "reject", new JsonObject { ["reason"] = parse.GetValue(ReasonOption) }, token));

        var suspend = WithId("suspend", "Suspend an approved app: its tokens are revoked at once and it gets no new ones", "glint apps suspend 5f0e… --reason \"Abuse report\"");
        suspend.Options.Add(SuspendReasonOption);
        CliAction.Set(suspend, (parse, token) => DecideAsync(parse, "suspend", new JsonObject { ["reason"] = parse.GetValue(SuspendReasonOption) }, token));

        var resume = WithId("resume", "Resume a suspended app: it may get tokens again", "glint apps resume 5f0e…");
        CliAction.Set(resume, (parse, token) => DecideAsync(parse, "resume", new JsonObject(), token));

        foreach (var command in new[] { list, show, approve, changes, reject, suspend, resume, history })
        {
            apps.Subcommands.Add(command);
        }

        return apps;
    }

    private static JsonObject Body(ParseResult parse)
    {
        var body = new JsonObject { ["skip_consent"] = parse.GetValue(SkipConsentOption) };
        var scopes = (parse.GetValue(ScopeOption) ?? []).SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (scopes.Count > 0)
        {
            body["scope"] = string.Join(' ', scopes);
        }

        return body;
    }

    private static async Task<int> ListAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var status = parse.GetValue(StatusOption);
        var page = await http.GetAsync(AppsPath + (status is null ? "" : "?status=" + Uri.EscapeDataString(status)), cancellationToken);
        var printer = new Printer(parse);
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(page.Body);
            return 0;
        }

        await printer.WriteTableAsync(Headers, [.. (page.Json as JsonArray ?? []).Select(Row)]);
        return 0;
    }

    private static async Task<int> GetAsync(ParseResult parse, string suffix, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var app = await http.GetAsync(AppPath(parse) + suffix, cancellationToken);
        await WriteAppAsync(new Printer(parse), app.Body);
        return 0;
    }

    private static async Task<int> HistoryAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var history = await http.GetAsync(AppPath(parse) + "/history", cancellationToken);
        var printer = new Printer(parse);
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(history.Body);
            return 0;
        }

        await printer.WriteTableAsync(["AT", "ACTOR", "ACTION", "MESSAGE"],
            [.. (history.Json as JsonArray ?? []).Select(entry => (IReadOnlyList<string>)
                [Printer.Cell(entry?["at"]), Printer.Cell(entry?["actor"]), Printer.Cell(entry?["action"]), Printer.Cell(entry?["message"])])]);
        return 0;
    }

    private static async Task<int> DecideAsync(ParseResult parse, string decision, JsonObject body, CancellationToken cancellationToken)
    {
        using var http = Connect(parse);
        var app = await http.SendJsonAsync(HttpMethod.Post, AppPath(parse) + "/" + decision, body, cancellationToken);
        await WriteAppAsync(new Printer(parse), app.Body);
        return 0;
    }

    private static async Task WriteAppAsync(Printer printer, string body)
    {
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(body);
            return;
        }

        var app = JsonNode.Parse(body);
        var pending = app?["pending_changes"];
        await printer.WriteRecordAsync(
        [
            ("ID", Printer.Cell(app?["id"])),
            ("NAME", Printer.Cell(app?["name"])),
            ("STATUS", Printer.Cell(app?["status"])),
            ("MESSAGE", Printer.Cell(app?["message"])),
            ("OWNER", Printer.Cell(app?["owner"])),
            ("CONTACT", Printer.Cell(app?["contact_email"])),
            ("CLIENT TYPE", Printer.Cell(app?["token_endpoint_auth_method"])),
            ("SCOPE", Printer.Cell(app?["scope"])),
            ("REDIRECT URIS", Printer.Cell(app?["redirect_uris"])),
            ("HOMEPAGE", Printer.Cell(app?["client_uri"])),
            ("LOGO", Printer.Cell(app?["logo_uri"])),
            ("PRIVACY POLICY", Printer.Cell(app?["policy_uri"])),
            ("TERMS", Printer.Cell(app?["tos_uri"])),
            ("CLIENT ID", Printer.Cell(app?["client_id"])),
            ("PENDING SCOPE", Printer.Cell(pending?["scope"])),
            ("PENDING REDIRECT URIS", Printer.Cell(pending?["redirect_uris"])),
            ("DESCRIPTION", Printer.Cell(app?["description"])),
        ]);
    }

    private static IReadOnlyList<string> Row(JsonNode? app) =>
    [
        Printer.Cell(app?["id"]), Printer.Cell(app?["name"]),
        Printer.Cell(app?["status"]) + (app?["pending_changes"] is JsonObject ? " (changes pending)" : ""),
        Printer.Cell(app?["owner"]), Printer.Cell(app?["scope"]), Printer.Cell(app?["client_id"]), Printer.Cell(app?["message"]),
    ];

    private static Command Noun(string name, string description, string example)
    {
        var command = new Command(name, HelpText.WithExample(description, example));
        command.Options.Add(Endpoint.Admin.Option);
        command.Options.Add(FormatOption.Option);
        return command;
    }

    private static Command WithId(string name, string description, string example)
    {
        var command = Noun(name, description, example);
        command.Arguments.Add(IdArgument);
        return command;
    }

    private static Option<string?> CreateStatusOption()
    {
        var option = new Option<string?>("--status") { Description = "Only apps with this status" };
        option.AcceptOnlyFromAmong("pending", "approved", "changes_requested", "rejected", "suspended");
        return option;
    }

    private static GlintHttp Connect(ParseResult parse) => new(Endpoint.Admin.Resolve(parse), Endpoint.Admin.Hint);

    private static string AppPath(ParseResult parse) => AppsPath + "/" + Uri.EscapeDataString(parse.GetValue(IdArgument)!);
}
