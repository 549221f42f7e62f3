using Glint.Data;
using Glint.Ledger;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Wallets;

/// <summary>
/// An account that is closed (or locked) receives nothing, whichever way it is paid: the one-write payment between
/// wallets the node knows, the payment that reads first, in either currency, and an invoice it issued while active.
/// </summary>
public abstract class InactiveRecipientTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string SendBtc = """
        mutation Send($input: IntraLedgerPaymentSendInput!) {
          intraLedgerPaymentSend(input: $input) { status errors { code message } }
        }
        """;

    private const string SendUsd = """
        mutation Send($input: IntraLedgerUsdPaymentSendInput!) {
          intraLedgerUsdPaymentSend(input: $input) { status errors { code message } }
        }
        """;

    [Fact]
    public async Task BetweenKnownWallets_ToAClosedAccount_IsRefused_AndMovesNothing()
    {
        var alice = await server.NewUserAsync(sats: 1_000);
        var bob = await server.NewUserAsync();
        Assert.Equal("SUCCESS", (await SendAsync(SendBtc, alice, alice.BtcWalletId, bob.BtcWalletId, 1))["status"].Str());
        await SetStatusAsync(bob, "closed");

        var payload = await SendAsync(SendBtc, alice, alice.BtcWalletId, bob.BtcWalletId, 10);

        AssertRefused(payload);
        Assert.Equal(999, await BalanceAsync(alice.BtcWalletId));
        Assert.Equal(1, await BalanceAsync(bob.BtcWalletId));
    }

    [Fact]
    public async Task UsdPayment_ToAClosedAccount_IsRefused_AndMovesNothing()
    {
        var alice = await server.NewUserAsync(cents: 1_000);
        var bob = await server.NewUserAsync();
        await SetStatusAsync(bob, "closed");

        var first = await SendAsync(SendUsd, alice, alice.UsdWalletId, bob.UsdWalletId, 10);
        var second = await SendAsync(SendUsd, alice, alice.UsdWalletId, bob.BtcWalletId, 10);

        AssertRefused(first);
        AssertRefused(second);
        Assert.Equal(1_000, await BalanceAsync(alice.UsdWalletId));
        Assert.Equal(0, await BalanceAsync(bob.UsdWalletId));
        Assert.Equal(0, await BalanceAsync(bob.BtcWalletId));
    }

    [Fact]
    public async Task ClosedAfterPaymentsTheNodeRemembers_ThenActiveAgain_ReceivesAgain()
    {
        var alice = await server.NewUserAsync(sats: 1_000);
        var bob = await server.NewUserAsync();
        Assert.Equal("SUCCESS", (await SendAsync(SendBtc, alice, alice.BtcWalletId, bob.BtcWalletId, 1))["status"].Str());
        await SetStatusAsync(bob, "locked");
        AssertRefused(await SendAsync(SendBtc, alice, alice.BtcWalletId, bob.BtcWalletId, 10));
        await SetStatusAsync(bob, "active");

        Assert.Equal("SUCCESS", (await SendAsync(SendBtc, alice, alice.BtcWalletId, bob.BtcWalletId, 10))["status"].Str());
        Assert.Equal(11, await BalanceAsync(bob.BtcWalletId));
    }

    [Fact]
    public async Task PaymentService_ToAClosedAccount_IsRecipientInactive()
    {
        var alice = await server.NewUserAsync(sats: 1_000);
        var bob = await server.NewUserAsync();
        await SetStatusAsync(bob, "closed");

        await using var scope = server.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<PaymentService>()
            .PayAsync(alice.AccountId, alice.BtcWalletId, bob.BtcWalletId, 10, Currency.Btc, null, null, CancellationToken.None);

        Assert.Equal(PaymentError.RecipientInactive, outcome.Error);
        Assert.Equal(1_000, await BalanceAsync(alice.BtcWalletId));
    }

    [Fact]
    public async Task InvoiceOfAnAccountClosedSince_IsRefused_AndStaysUnpaid()
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();
        var created = (await server.DataAsync(bob.Token,
            $$"""mutation { lnInvoiceCreate(input: {walletId: "{{bob.BtcWalletId}}", amount: 2100}) { errors { message } invoice { paymentRequest } } }"""))["lnInvoiceCreate"]!;
        var paymentRequest = created["invoice"]!["paymentRequest"].Str();
        await SetStatusAsync(bob, "closed");

        var payload = (await server.DataAsync(alice.Token,
            """mutation Pay($input: LnInvoicePaymentInput!) { lnInvoicePaymentSend(input: $input) { status errors { code message } } }""",
            new { input = new { walletId = alice.BtcWalletId, paymentRequest } }))["lnInvoicePaymentSend"]!;

        AssertRefused(payload);
        Assert.Equal(10_000, await BalanceAsync(alice.BtcWalletId));
        Assert.Equal(0, await BalanceAsync(bob.BtcWalletId));
    }

    private static void AssertRefused(System.Text.Json.Nodes.JsonNode payload)
    {
        Assert.Equal("FAILURE", payload["status"].Str());
        var error = Assert.Single(payload["errors"]!.AsArray())!;
        Assert.Equal(PaymentError.RecipientInactive.Code, error["code"].Str());
        Assert.Equal(PaymentError.RecipientInactive.Message, error["message"].Str());
    }

    private async Task<System.Text.Json.Nodes.JsonNode> SendAsync(string mutation, ApiUser payer, Guid walletId, Guid recipientWalletId, long amount)
    {
        var data = await server.DataAsync(payer.Token, mutation, new { input = new { walletId, recipientWalletId, amount } });
        return data[mutation.Contains("Usd", StringComparison.Ordinal) ? "intraLedgerUsdPaymentSend" : "intraLedgerPaymentSend"]!;
    }

    /// <summary>Straight in the database, as another node (or an operator) would change it.</summary>
    private async Task SetStatusAsync(ApiUser user, string status)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        await db.Accounts.Where(a => a.Id == user.AccountId).ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, status));
    }

    private async Task<long> BalanceAsync(Guid walletId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Wallets.Where(w => w.Id == walletId).Select(w => w.Balance).SingleAsync();
    }
}

public sealed class SqliteInactiveRecipientTests(SqliteServerFixture server) : InactiveRecipientTests<SqliteServerFixture>(server);

public sealed class PostgresInactiveRecipientTests(PostgresServerFixture server) : InactiveRecipientTests<PostgresServerFixture>(server);
