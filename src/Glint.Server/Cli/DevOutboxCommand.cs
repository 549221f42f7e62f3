using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Glint.Data;
using Microsoft.EntityFrameworkCore;

namespace Glint.Server.Cli;

/// <summary>
/// <c>glint dev outbox</c>: the emails (and text messages, their subject starting <c>SMS: </c>) a development server
/// kept instead of sending, newest first, so a developer (or a test) can sign in with the code.
/// </summary>
public static partial class DevOutboxCommand
{
    private static readonly Option<string?> ToOption = new("--to") { Description = "Only messages to this email address or phone number (E.164, like +16505554350)" };
    private static readonly Option<int> LastOption = new("--last") { Description = "How many messages to show (default 10)", DefaultValueFactory = _ => 10 };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON: to, subject, body, code and created_at per message" };

    public static Command Build(Option<string?> dsn)
    {
        var outbox = new Command("outbox", "Show the sign-in emails and text messages kept by the dev outbox (when no SMTP server or SMS provider is configured)");
        outbox.Options.Add(dsn);
        outbox.Options.Add(ToOption);
        outbox.Options.Add(LastOption);
        outbox.Options.Add(JsonOption);
        outbox.SetAction((parse, cancellationToken) => WalletCommands.RunAsync(parse, dsn, ShowAsync, cancellationToken));
        return outbox;
    }

    private static async Task<int> ShowAsync(ParseResult parse, IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<GlintDbContext>();
        var to = parse.GetValue(ToOption)?.Trim().ToLowerInvariant();
        var messages = await db.Outbox.AsNoTracking()
            .Where(message => to == null || message.To == to)
            .OrderByDescending(message => message.Id)
            .Take(Math.Max(1, parse.GetValue(LastOption)))
            .ToListAsync(cancellationToken);
        var output = parse.InvocationConfiguration.Output;
        if (parse.GetValue(JsonOption))
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(messages.Select(message => new Dictionary<string, string?>
            {
                ["to"] = message.To,
                ["subject"] = message.Subject,
                ["body"] = message.Body,
                ["code"] = Code().Match(message.Subject) is { Success: true } match ? match.Value : null,
                ["created_at"] = message.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            })));
            return 0;
        }

        foreach (var message in messages)
        {
            await output.WriteLineAsync($"{message.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {message.To}  {message.Subject}");
        }

        return 0;
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex Code();
}
