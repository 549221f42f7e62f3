using System.CommandLine;
using System.Text.Json;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Maintenance;

namespace Glint.Server.Cli;

/// <summary>
/// <c>glint janitor [DSN]</c>: deletes expired and dead tokens, requests and grants, with Hydra's janitor flags. The
/// database is the argument, or with <c>--read-from-env</c> the one <c>glint serve</c> would use.
/// </summary>
public static class JanitorCommand
{
    private static readonly Argument<string?> DsnArgument = new("DSN") { Description = "The database (sqlite://<path> or postgres://…)", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<bool> ReadFromEnvOption = new("--read-from-env", "-e") { Description = "Read the database from the environment (DSN or GLINT_DSN) or configuration, as glint serve does" };
    private static readonly Option<bool> TokensOption = new("--tokens") { Description = "Delete expired and revoked tokens (access, refresh, authorization codes, app sessions)" };
    private static readonly Option<bool> RequestsOption = new("--requests") { Description = "Delete login, consent and logout requests that can no longer be answered, and expired login sessions, codes and failures" };
    private static readonly Option<bool> GrantsOption = new("--grants") { Description = "Delete revoked and one-time grants (authorizations) with no tokens left" };
    private static readonly Option<bool> AuditEventsOption = new("--audit-events") { Description = "Delete audit events older than audit.retention (default 90 days)" };
    private static readonly Option<string?> KeepIfYoungerOption = new("--keep-if-younger") { Description = "Keep rows younger than this duration, e.g. 1h or 30m (default 0)" };
    private static readonly Option<int> LimitOption = new("--limit") { Description = "Delete at most this many rows per table (default 10000)", DefaultValueFactory = _ => 10_000 };
    private static readonly Option<int> BatchSizeOption = new("--batch-size") { Description = "Rows deleted per statement (default 100)", DefaultValueFactory = _ => 100 };

    public static Command Build()
    {
        var janitor = new Command("janitor", "Delete expired and dead tokens, login and consent requests and grants from the database, in small batches");
        janitor.Arguments.Add(DsnArgument);
        foreach (var option in (Option[])[ReadFromEnvOption, TokensOption, RequestsOption, GrantsOption, AuditEventsOption, KeepIfYoungerOption, LimitOption, BatchSizeOption])
        {
            janitor.Options.Add(option);
        }

        janitor.SetAction(RunAsync);
        return janitor;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var dsn = parse.GetValue(DsnArgument);
        var fromEnvironment = parse.GetValue(ReadFromEnvOption);
        var problem = (dsn, fromEnvironment) switch
        {
            (null, false) => "give the database as the DSN argument, or --read-from-env to read it from the environment",
            (not null, true) => "give either the DSN argument or --read-from-env, not both",
            _ when !(parse.GetValue(TokensOption) || parse.GetValue(RequestsOption) || parse.GetValue(GrantsOption) || parse.GetValue(AuditEventsOption)) =>
                "choose what to delete: --tokens, --requests and/or --grants (and/or --audit-events)",
            _ when parse.GetValue(LimitOption) < 1 => "--limit must be at least 1",
            _ when parse.GetValue(BatchSizeOption) < 1 => "--batch-size must be at least 1",
            _ => null,
        };
        var keepIfYounger = TimeSpan.Zero;
        if (problem is null && parse.GetValue(KeepIfYoungerOption) is { } keep && !(GoDuration.TryParse(keep, out keepIfYounger) && keepIfYounger >= TimeSpan.Zero))
        {
            problem = $"--keep-if-younger must be a duration such as 1h or 30m, not '{keep}'";
        }

        if (problem is not null)
        {
            await error.WriteLineAsync("glint janitor: " + problem);
            return 2;
        }

        try
        {
            var flags = fromEnvironment ? [] : new Dictionary<string, string?> { [ConfigurationKeys.Dsn] = dsn };
            var settings = ServerSettings.Read(GlintConfiguration.Build(flags));
            await Database.MigrateAsync(settings.Dsn, cancellationToken);
            await using var db = Database.Open(settings.Dsn);
            var pass = new JanitorPass
            {
                Tokens = parse.GetValue(TokensOption),
                Requests = parse.GetValue(RequestsOption),
                Grants = parse.GetValue(GrantsOption),
                AuditEvents = parse.GetValue(AuditEventsOption),
                KeepIfYounger = keepIfYounger,
                Limit = parse.GetValue(LimitOption),
                BatchSize = parse.GetValue(BatchSizeOption),
            };
            var deleted = await new Janitor(db, settings.RowLifetimes, TimeProvider.System).RunAsync(pass, cancellationToken);
            await parse.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(new { deleted }));
            return 0;
        }
        catch (StartupRefusedException exception)
        {
            await error.WriteLineAsync("glint: " + exception.Message);
            return 2;
        }
    }
}
