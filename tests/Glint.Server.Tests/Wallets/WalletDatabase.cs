using System.Collections;
using Glint.Server.Cli;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Accounts;
using Glint.Wallets.Journal;
using Glint.Wallets.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Wallets;

/// <summary>The wallet services over a fixture's own database, as the operator commands use them.</summary>
public sealed class WalletDatabase(ServiceProvider services) : IAsyncDisposable
{
    public static async Task<WalletDatabase> OpenAsync(GlintServerFixture server, string price = "100000")
    {
        var settings = ServerSettings.Read(GlintConfiguration.Build(
            new Dictionary<string, string?> { [ConfigurationKeys.Dsn] = server.Dsn, [ConfigurationKeys.BtcUsdPrice] = price },
            new Hashtable(), AppContext.BaseDirectory));
        return new WalletDatabase(await OperatorServices.OpenAsync(settings, CancellationToken.None));
    }

    /// <summary>Runs <paramref name="work"/> in its own scope (its own DbContext), as one request would.</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public async Task<OpenedAccount> OpenAccountAsync(long sats = 0, long cents = 0)
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..12];
        var opened = await InScopeAsync(async provider =>
            (await provider.GetRequiredService<AccountOpening>().OpenAsync(null, name + "@example.com", name, CancellationToken.None)).Account!);
        if (sats > 0)
        {
            await CreditAsync(opened.BtcWalletId, sats);
        }

        if (cents > 0)
        {
            await CreditAsync(opened.UsdWalletId, cents);
        }

        return opened;
    }

    public Task<PaymentOutcome> CreditAsync(Guid walletId, long amount) =>
        InScopeAsync(provider => provider.GetRequiredService<PaymentService>().CreditAsync(walletId, amount, null, CancellationToken.None));

    /// <summary>Fails the test with every violation the ledger's audit finds, prefixed by <paramref name="context"/>.</summary>
    public async Task AssertLedgerValidAsync(string context = "")
    {
        var verification = await InScopeAsync(provider => provider.GetRequiredService<LedgerAudit>().VerifyAsync(CancellationToken.None));
        Assert.True(verification.IsValid, context + string.Join("\n", verification.Violations.Select(v => v.Message)));
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
