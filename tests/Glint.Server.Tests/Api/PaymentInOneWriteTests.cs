using System.Text.Json.Nodes;
using Glint.Api.Errors;
using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Api;

/// <summary>
/// A payment between wallets the node has already seen is one write that checks the payer's account itself: each
/// test pays once first, so that the node knows both wallets, then changes what that write must still see.
/// </summary>
public abstract class PaymentInOneWriteTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Send = """
        mutation Send($input: IntraLedgerPaymentSendInput!) {
          intraLedgerPaymentSend(input: $input) { status errors { code message } transaction { id } }
        }
        """;

    private const string Newest = """
        query { me { defaultAccount { transactions(first: 1) { edges { node {
          direction settlementAmount
          initiationVia { ... on InitiationViaIntraLedger { counterPartyUsername counterPartyWalletId } }
        } } } } } }
        """;

    [Fact]
    public async Task AccountLockedAfterAPayment_IsNotAuthorized_AndMovesNothing()
    {
        var (alice, bob) = await KnownPairAsync();
        await SetStatusAsync(alice, "locked");

        var body = await server.GraphQLAsync(alice.Token, Send, Input(alice.BtcWalletId, bob.BtcWalletId, 10));

        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(body)["code"].Str());
        Assert.Equal(999, await BalanceAsync(alice.BtcWalletId));
        Assert.Equal(1, await BalanceAsync(bob.BtcWalletId));
    }

    [Fact]
    public async Task AccountActiveAgain_PaysAgain()
    {
        var (alice, bob) = await KnownPairAsync();
        await SetStatusAsync(alice, "locked");
        await server.GraphQLAsync(alice.Token, Send, Input(alice.BtcWalletId, bob.BtcWalletId, 10));
        await SetStatusAsync(alice, "active");

        Assert.Equal("SUCCESS", await PayAsync(alice, alice.BtcWalletId, bob.BtcWalletId, 10));
        Assert.Equal(989, await BalanceAsync(alice.BtcWalletId));
    }

    [Fact]
    public async Task UsernamesSetAfterAPayment_AreTheOnesTheNextPaymentNames()
    {
        var alice = await server.NewUserAsync(sats: 1_000, withUsername: false);
        var bob = await server.NewUserAsync(withUsername: false);
        Assert.Equal("SUCCESS", await PayAsync(alice, alice.BtcWalletId, bob.BtcWalletId, 1));
        var (aliceName, bobName) = (ApiCalls.NewUsername(), ApiCalls.NewUsername());
        await SetUsernameAsync(alice, aliceName);
        await SetUsernameAsync(bob, bobName);

        Assert.Equal("SUCCESS", await PayAsync(alice, alice.BtcWalletId, bob.BtcWalletId, 2));

        var sent = await NewestAsync(alice);
        var received = await NewestAsync(bob);
        Assert.Equal(-2, sent["settlementAmount"].Number());
        Assert.Equal(bobName, sent["initiationVia"]!["counterPartyUsername"].Str());
        Assert.Equal(bob.BtcWalletId.ToString(), sent["initiationVia"]!["counterPartyWalletId"].Str());
        Assert.Equal(2, received["settlementAmount"].Number());
        Assert.Equal(aliceName, received["initiationVia"]!["counterPartyUsername"].Str());
    }

    [Fact]
    public async Task WithoutUsernames_TheTransactionsNameNone()
    {
        var alice = await server.NewUserAsync(sats: 1_000, withUsername: false);
        var bob = await server.NewUserAsync(withUsername: false);
        Assert.Equal("SUCCESS", await PayAsync(alice, alice.BtcWalletId, bob.BtcWalletId, 1));

        Assert.Equal("SUCCESS", await PayAsync(alice, alice.BtcWalletId, bob.BtcWalletId, 2));

        Assert.Null((await NewestAsync(alice))["initiationVia"]!["counterPartyUsername"]);
        Assert.Null((await NewestAsync(bob))["initiationVia"]!["counterPartyUsername"]);
    }

    [Fact]
    public async Task FromAKnownWalletOfAnotherAccount_IsInvalidInput()
    {
        var (alice, bob) = await KnownPairAsync();

        var payload = (await server.DataAsync(alice.Token, Send, Input(bob.BtcWalletId, alice.BtcWalletId, 1)))["intraLedgerPaymentSend"]!;

        Assert.Equal("FAILURE", payload["status"].Str());
        Assert.Equal("Invalid walletId for account.", Assert.Single(payload["errors"]!.AsArray())!["message"].Str());
        Assert.Equal(1, await BalanceAsync(bob.BtcWalletId));
    }

    [Fact]
    public async Task MoreThanTheBalance_BetweenKnownWallets_IsInsufficientBalance()
    {
        var (alice, bob) = await KnownPairAsync();

        var payload = (await server.DataAsync(alice.Token, Send, Input(alice.BtcWalletId, bob.BtcWalletId, 1_000)))["intraLedgerPaymentSend"]!;

        Assert.Equal("INSUFFICIENT_BALANCE", Assert.Single(payload["errors"]!.AsArray())!["code"].Str());
        Assert.Equal(999, await BalanceAsync(alice.BtcWalletId));
    }

    [Fact]
    public async Task Retry_BetweenKnownWallets_ReturnsTheFirstPayment()
    {
        var (alice, bob) = await KnownPairAsync();
        var key = Guid.NewGuid().ToString();

        var first = (await server.DataAsync(alice.Token, Send, Input(alice.BtcWalletId, bob.BtcWalletId, 5), idempotencyKey: key))["intraLedgerPaymentSend"]!;
        var retry = (await server.DataAsync(alice.Token, Send, Input(alice.BtcWalletId, bob.BtcWalletId, 5), idempotencyKey: key))["intraLedgerPaymentSend"]!;

        Assert.Equal("SUCCESS", retry["status"].Str());
        Assert.Equal(first["transaction"]!["id"].Str(), retry["transaction"]!["id"].Str());
        Assert.Equal(994, await BalanceAsync(alice.BtcWalletId));
    }

    [Fact]
    public async Task LockedAccountWithoutTheWriteScope_IsNotAuthorized_AsBefore()
    {
        var (alice, bob) = await KnownPairAsync();
        var readOnly = await server.AccessTokenAsync(alice.UserId, ["read"]);
        var beforeLock = ApiCalls.SingleError(await server.GraphQLAsync(readOnly, Send, Input(alice.BtcWalletId, bob.BtcWalletId, 1)));
        await SetStatusAsync(alice, "locked");

        var afterLock = ApiCalls.SingleError(await server.GraphQLAsync(readOnly, Send, Input(alice.BtcWalletId, bob.BtcWalletId, 1)));

        Assert.Equal(ApiErrors.WriteDeniedMessage, beforeLock["message"].Str());
        Assert.Equal("Not authorized", afterLock["message"].Str());
        Assert.Equal(999, await BalanceAsync(alice.BtcWalletId));
    }

    /// <summary>Alice (1,000 sats) has paid Bob 1 sat, so the node knows both wallets and Alice's account.</summary>
    private async Task<(ApiUser Alice, ApiUser Bob)> KnownPairAsync()
    {
        var alice = await server.NewUserAsync(sats: 1_000);
        var bob = await server.NewUserAsync();
        Assert.Equal("SUCCESS", await PayAsync(alice, alice.BtcWalletId, bob.BtcWalletId, 1));
        return (alice, bob);
    }

    private static object Input(Guid walletId, Guid recipientWalletId, long amount) => new { input = new { walletId, recipientWalletId, amount } };

    private async Task<string> PayAsync(ApiUser payer, Guid walletId, Guid recipientWalletId, long amount)
    {
        var payload = (await server.DataAsync(payer.Token, Send, Input(walletId, recipientWalletId, amount)))["intraLedgerPaymentSend"]!;
        return payload["status"].Str();
    }

    private async Task<JsonNode> NewestAsync(ApiUser user) =>
        (await server.DataAsync(user.Token, Newest))["me"]!["defaultAccount"]!["transactions"]!["edges"]![0]!["node"]!;

    /// <summary>Straight in the database, as another node (or an operator) would change it.</summary>
    private async Task SetStatusAsync(ApiUser user, string status)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        await db.Accounts.Where(a => a.Id == user.AccountId).ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, status));
    }

    private async Task SetUsernameAsync(ApiUser user, string username)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        await db.Accounts.Where(a => a.Id == user.AccountId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Username, username).SetProperty(a => a.UsernameKey, username.ToLowerInvariant()));
    }

    private async Task<long> BalanceAsync(Guid walletId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Wallets.Where(w => w.Id == walletId).Select(w => w.Balance).SingleAsync();
    }
}

public sealed class SqlitePaymentInOneWriteTests(SqliteServerFixture server) : PaymentInOneWriteTests<SqliteServerFixture>(server);

public sealed class PostgresPaymentInOneWriteTests(PostgresServerFixture server) : PaymentInOneWriteTests<PostgresServerFixture>(server);
