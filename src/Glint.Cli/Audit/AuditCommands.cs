using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Glint.Cli.Connection;
using Glint.Cli.Output;

namespace Glint.Cli.Audit;

/// <summary>
/// <c>glint audit list</c>: the audit trail of a running Glint, newest first, from its admin API (<c>/admin/audit</c>).
/// </summary>
public static class AuditCommands
{
    private const string AuditPath = "/admin/audit";
    private const int MaxLimit = 1000;

    private static readonly Option<string?> SubjectOption = new("--subject") { Description = "Only events about this subject (user id)" };
    private static readonly Option<string?> ClientOption = new("--client") { Description = "Only events about this OAuth2 client" };
    private static readonly Option<string?> SinceOption = new("--since") { Description = "Only events at or after this time (RFC 3339, e.g. 2026-12-01T00:00:00Z)" };
    private static readonly Option<int> LimitOption = new("--limit") { Description = $"At most this many events (1 to {MaxLimit}, default 100)", DefaultValueFactory = _ => 100 };

    public static Command Build()
    {
        var audit = new Command("audit", "Read the audit trail: who did what, when and from where (/admin/audit)");
        var list = new Command("list", HelpText.WithExample("List audit events, newest first", "glint audit list --client my-app --since 2026-12-01T00:00:00Z"));
        foreach (var option in (Option[])[SubjectOption, ClientOption, SinceOption, LimitOption, Endpoint.Admin.Option, FormatOption.Option])
        {
            list.Options.Add(option);
        }

        CliAction.Set(list, ListAsync);
        audit.Subcommands.Add(list);
        return audit;
    }

    private static async Task<int> ListAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var limit = parse.GetValue(LimitOption);
        if (limit is < 1 or > MaxLimit)
        {
            throw new CliException($"--limit must be from 1 to {MaxLimit}, not {limit}.");
        }

        var query = new List<string> { "page_size=" + limit.ToString(CultureInfo.InvariantCulture) };
        AddFilter(query, "subject", parse.GetValue(SubjectOption));
        AddFilter(query, "client", parse.GetValue(ClientOption));
        if (parse.GetValue(SinceOption) is { } since)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from))
            {
                throw new CliException($"--since must be an RFC 3339 date and time such as 2026-12-01T00:00:00Z, not '{since}'.");
            }

            AddFilter(query, "since", from.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        }

        using var http = new GlintHttp(Endpoint.Admin.Resolve(parse), Endpoint.Admin.Hint);
        var page = await http.GetAsync(AuditPath + "?" + string.Join('&', query), cancellationToken);
        var printer = new Printer(parse);
        if (printer.Format != OutputFormat.Table)
        {
            await printer.WriteJsonAsync(page.Body);
            return 0;
        }

        await printer.WriteTableAsync(["AT", "ACTION", "ACTOR", "SUBJECT", "CLIENT", "TARGET", "REASON", "FROM"],
            [.. (page.Json as JsonArray ?? []).Select(entry => (IReadOnlyList<string>)
            [
                Printer.Cell(entry?["at"]), Printer.Cell(entry?["action"]), Printer.Cell(entry?["actor"]), Printer.Cell(entry?["subject"]),
                Printer.Cell(entry?["client_id"]), Printer.Cell(entry?["target"]), Printer.Cell(entry?["reason"]), Printer.Cell(entry?["remote_address"]),
            ])]);
        return 0;
    }

    private static void AddFilter(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }
}
