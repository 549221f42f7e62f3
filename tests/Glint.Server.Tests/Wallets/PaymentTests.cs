using Glint.Data;
using Glint.Ledger;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Wallets;

/// <summary>Payments against a real database: atomic, idempotent, never negative, whatever the concurrency.</summary>
public abstract class PaymentTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static Task<PaymentOutcome> PayAsync(WalletDatabase wallets, Guid payerAccount, Guid from, Guid to, long amount, Currency currency, string? key = null) =>
        wallets.InScopeAsync(provider => provider.GetRequiredService<PaymentService>()
            .PayAsync(payerAccount, from, to, amount, currency, "test", key, CancellationToken.None));

    private static Task<long> BalanceAsync(WalletDatabase wallets, Guid walletId) =>
        wallets.InScopeAsync(provider => provider.GetRequiredService<GlintDbContext>().Wallets.Where(w => w.Id == walletId).Select(w => w.Balance).SingleAsync());


    [Fact]
    public async Task IntraLedger_SameCurrency_MovesExactAmount()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var alice = await wallets.OpenAccountAsync(sats: 10_000);
        var bob = await wallets.OpenAccountAsync();

        var outcome = await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 2_500, Currency.Btc);

        Assert.Equal(PaymentStatus.Success, outcome.Status);
        Assert.Equal(7_500, await BalanceAsync(wallets, alice.BtcWalletId));
        Assert.Equal(2_500, await BalanceAsync(wallets, bob.BtcWalletId));
        await wallets.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task CrossCurrency_RoundsTheReceivedAmountDown()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server, price: "65432.10");
        var alice = await wallets.OpenAccountAsync(sats: 1_000_000);
        var bob = await wallets.OpenAccountAsync();

        var outcome = await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.UsdWalletId, 100_000, Currency.Btc);

        Assert.Equal(PaymentStatus.Success, outcome.Status);
        Assert.Equal(900_000, await BalanceAsync(wallets, alice.BtcWalletId));
        // 100,000 sats at $65,432.10 are 6,543.21 cents: the receiver gets 6,543, never more.
        Assert.Equal(6_543, await BalanceAsync(wallets, bob.UsdWalletId));
        await wallets.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task Payment_Errors_AreDomainErrors()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var alice = await wallets.OpenAccountAsync(sats: 1_000);
        var bob = await wallets.OpenAccountAsync(sats: 1_000);

        Assert.Equal("INSUFFICIENT_BALANCE", (await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 1_001, Currency.Btc)).Error?.Code);
        Assert.Equal(PaymentError.SelfPayment, (await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, alice.BtcWalletId, 1, Currency.Btc)).Error);
        Assert.Equal(PaymentError.AmountNotPositive, (await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 0, Currency.Btc)).Error);
        Assert.Equal(PaymentError.AmountTooLarge, (await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, long.MaxValue, Currency.Btc)).Error);
        Assert.Equal(PaymentError.InvalidWallet, (await PayAsync(wallets, alice.AccountId, bob.BtcWalletId, alice.BtcWalletId, 1, Currency.Btc)).Error);
        Assert.Equal(PaymentError.RecipientNotFound, (await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, Guid.NewGuid(), 1, Currency.Btc)).Error);
        Assert.Equal(PaymentError.WrongWalletCurrency, (await PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 1, Currency.Usd)).Error);

        Assert.Equal(1_000, await BalanceAsync(wallets, alice.BtcWalletId));
        Assert.Equal(1_000, await BalanceAsync(wallets, bob.BtcWalletId));
        await wallets.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task ConcurrentPayments_FromOneWallet_NeverOverdrawNorLoseAnUpdate()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var alice = await wallets.OpenAccountAsync(sats: 100_000);
        var bob = await wallets.OpenAccountAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            Task.Run(() => PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 1_000, Currency.Btc))));

        Assert.Equal(100, outcomes.Count(o => o.Status == PaymentStatus.Success));
        Assert.All(outcomes.Where(o => o.Status != PaymentStatus.Success), o => Assert.Equal("INSUFFICIENT_BALANCE", o.Error?.Code));
        Assert.Equal(0, await BalanceAsync(wallets, alice.BtcWalletId));
        Assert.Equal(100_000, await BalanceAsync(wallets, bob.BtcWalletId));
        await wallets.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task ConcurrentRetries_WithOneIdempotencyKey_PayOnce()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var alice = await wallets.OpenAccountAsync(sats: 100_000);
        var bob = await wallets.OpenAccountAsync();
        var key = Guid.NewGuid().ToString();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Task.Run(() => PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 7_000, Currency.Btc, key))));

        Assert.All(outcomes, o => Assert.Equal(PaymentStatus.Success, o.Status));
        Assert.Single(outcomes.Select(o => o.EntryId).Distinct());
        Assert.Equal(93_000, await BalanceAsync(wallets, alice.BtcWalletId));
        Assert.Equal(7_000, await BalanceAsync(wallets, bob.BtcWalletId));
        await wallets.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task OppositePayments_AtTheSameTime_AllSettle()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var alice = await wallets.OpenAccountAsync(sats: 50_000);
        var bob = await wallets.OpenAccountAsync(sats: 50_000);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() => i % 2 == 0
            ? PayAsync(wallets, alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 100, Currency.Btc)
            : PayAsync(wallets, bob.AccountId, bob.BtcWalletId, alice.BtcWalletId, 100, Currency.Btc))));

        Assert.All(outcomes, o => Assert.Equal(PaymentStatus.Success, o.Status));
        Assert.Equal(50_000, await BalanceAsync(wallets, alice.BtcWalletId));
        Assert.Equal(50_000, await BalanceAsync(wallets, bob.BtcWalletId));
        await wallets.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task RandomPaymentsAndCredits_KeepEveryInvariant()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server, price: "87654.32");
        var accounts = new List<Glint.Wallets.Accounts.OpenedAccount>();
        for (var i = 0; i < 5; i++)
        {
            accounts.Add(await wallets.OpenAccountAsync(sats: 20_000, cents: 2_000));
        }

        var seed = Environment.TickCount;
        var random = new Random(seed);
        for (var step = 0; step < 150; step++)
        {
            var payer = accounts[random.Next(accounts.Count)];
            var receiver = accounts[random.Next(accounts.Count)];
            var fromBtc = random.Next(2) == 0;
            var toBtc = random.Next(2) == 0;
            if (random.Next(10) == 0)
            {
                await wallets.CreditAsync(toBtc ? receiver.BtcWalletId : receiver.UsdWalletId, random.Next(1, 5_000));
                continue;
            }

            await PayAsync(wallets, payer.AccountId, fromBtc ? payer.BtcWalletId : payer.UsdWalletId,
                toBtc ? receiver.BtcWalletId : receiver.UsdWalletId, random.Next(0, 6_000), fromBtc ? Currency.Btc : Currency.Usd);
        }

        await wallets.AssertLedgerValidAsync($"seed {seed}: ");
    }
}

public sealed class SqlitePaymentTests(SqliteServerFixture server) : PaymentTests<SqliteServerFixture>(server);

public sealed class PostgresPaymentTests(PostgresServerFixture server) : PaymentTests<PostgresServerFixture>(server);
