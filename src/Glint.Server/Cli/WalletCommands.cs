using System.CommandLine;
using System.Text.Json;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Wallets.Accounts;
using Glint.Wallets.Journal;
using Glint.Wallets.Payments;

namespace Glint.Server.Cli;

/// <summary>
/// Operator commands on the database itself (<c>--dsn</c>): <c>users create</c>, <c>wallets credit</c>,
/// <c>ledger verify</c> and <c>dev seed</c>. Results are JSON on standard output; errors go to standard error
/// with a non-zero exit code.
/// </summary>
public static class WalletCommands
{
    private static readonly Option<string> EmailOption = new("--email") { Description = "The user's email address", Required = true };
    private static readonly Option<string?> UsernameOption = new("--username") { Description = "The account's username (3-50 letters, digits or _)" };
    private static readonly Option<Guid> WalletOption = new("--wallet") { Description = "The wallet to credit", Required = true };
    private static readonly Option<long> AmountOption = new("--amount") { Description = "Amount in the wallet's minor unit (sats or cents)", Required = true };
    private static readonly Option<string?> MemoOption = new("--memo") { Description = "A note kept with the ledger entry" };

    public static IEnumerable<Command> Build(Option<string?> dsn)
    {
        var create = new Command("create", "Create a user with an account and a BTC and a USD wallet; prints their ids as JSON");
        create.Options.Add(dsn);
        create.Options.Add(EmailOption);
        create.Options.Add(UsernameOption);
        create.SetAction((parse, cancellationToken) => RunAsync(parse, dsn, CreateUserAsync, cancellationToken));
        var users = new Command("users", "Manage wallet users");
        users.Subcommands.Add(create);

        var credit = new Command("credit", "Fund a wallet from the operator account, as one ledger entry");
        credit.Options.Add(dsn);
        credit.Options.Add(WalletOption);
        credit.Options.Add(AmountOption);
        credit.Options.Add(MemoOption);
        credit.SetAction((parse, cancellationToken) => RunAsync(parse, dsn, CreditAsync, cancellationToken));
        var wallets = new Command("wallets", "Manage wallets");
        wallets.Subcommands.Add(credit);

        var verify = new Command("verify", "Check the ledger's invariants; exits non-zero on any violation");
        verify.Options.Add(dsn);
        verify.SetAction((parse, cancellationToken) => RunAsync(parse, dsn, VerifyAsync, cancellationToken));
        var ledger = new Command("ledger", "Inspect the ledger");
        ledger.Subcommands.Add(verify);

        var seed = new Command("seed", "Create two demo users, alice and bob, with funded wallets");
        seed.Options.Add(dsn);
        seed.SetAction((parse, cancellationToken) => RunAsync(parse, dsn, SeedAsync, cancellationToken));
        var dev = new Command("dev", "Development helpers");
        dev.Subcommands.Add(seed);
        dev.Subcommands.Add(DevOutboxCommand.Build(dsn));

        return [users, wallets, ledger, dev];
    }

    internal static async Task<int> RunAsync(
        ParseResult parse, Option<string?> dsn, Func<ParseResult, IServiceProvider, CancellationToken, Task<int>> command,
        CancellationToken cancellationToken)
    {
        try
        {
            var settings = ServerSettings.Read(GlintConfiguration.Build(new Dictionary<string, string?> { [ConfigurationKeys.Dsn] = parse.GetValue(dsn) }));
            await using var services = await OperatorServices.OpenAsync(settings, cancellationToken);
            await using var scope = services.CreateAsyncScope();
            return await command(parse, scope.ServiceProvider, cancellationToken);
        }
        catch (StartupRefusedException exception)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("glint: " + exception.Message);
            return 2;
        }
    }

    private static async Task<int> CreateUserAsync(ParseResult parse, IServiceProvider services, CancellationToken cancellationToken)
    {
        var (opened, failure) = await services.GetRequiredService<AccountOpening>()
            .OpenAsync(null, parse.GetValue(EmailOption), parse.GetValue(UsernameOption), cancellationToken);
        if (opened is null)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("glint: " + failure!.Message);
            return 1;
        }

        await WriteJsonAsync(parse, new
        {
            user_id = opened.UserId,
            account_id = opened.AccountId,
            btc_wallet_id = opened.BtcWalletId,
            usd_wallet_id = opened.UsdWalletId,
        });
        return 0;
    }

    private static async Task<int> CreditAsync(ParseResult parse, IServiceProvider services, CancellationToken cancellationToken)
    {
        var outcome = await services.GetRequiredService<PaymentService>()
            .CreditAsync(parse.GetValue(WalletOption), parse.GetValue(AmountOption), parse.GetValue(MemoOption), cancellationToken);
        if (outcome.Status != PaymentStatus.Success)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("glint: " + outcome.Error!.Message);
            return 1;
        }

        await WriteJsonAsync(parse, new { entry_id = outcome.EntryId });
        return 0;
    }

    private static async Task<int> VerifyAsync(ParseResult parse, IServiceProvider services, CancellationToken cancellationToken)
    {
        var verification = await services.GetRequiredService<LedgerAudit>().VerifyAsync(cancellationToken);
        foreach (var violation in verification.Violations)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"glint: {violation.Kind}: {violation.Message}");
        }

        await WriteJsonAsync(parse, new { entries = verification.EntryCount, violations = verification.Violations.Count, valid = verification.IsValid });
        return verification.IsValid ? 0 : 1;
    }

    private static async Task<int> SeedAsync(ParseResult parse, IServiceProvider services, CancellationToken cancellationToken)
    {
        var opening = services.GetRequiredService<AccountOpening>();
        var payments = services.GetRequiredService<PaymentService>();
        var created = new List<object>();
        foreach (var (name, sats, cents) in new[] { ("alice", 1_000_000L, 50_000L), ("bob", 250_000L, 10_000L) })
        {
            var (opened, failure) = await opening.OpenAsync(null, $"{name}@example.com", name, cancellationToken);
            if (opened is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"glint: {name}: {failure!.Message}");
                return 1;
            }

            await payments.CreditAsync(opened.BtcWalletId, sats, "demo funds", cancellationToken);
            await payments.CreditAsync(opened.UsdWalletId, cents, "demo funds", cancellationToken);
            created.Add(new { username = name, user_id = opened.UserId, btc_wallet_id = opened.BtcWalletId, usd_wallet_id = opened.UsdWalletId });
        }

        await WriteJsonAsync(parse, created);
        return 0;
    }

    private static Task WriteJsonAsync(ParseResult parse, object value) =>
        parse.InvocationConfiguration.Output.WriteLineAsync(JsonSerializer.Serialize(value, JsonSerializerOptions.Web));
}
