using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Blink's dashboard against Glint: its operations, exactly as it sends them, return the shapes and values it reads.
/// The default price is $100,000 per bitcoin, so 1 sat is 0.1 cent.
/// </summary>
public abstract class DashboardOperationsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Me_ReturnsUserAccountAndBothWallets()
    {
        var user = await server.NewUserAsync(sats: 50_000, cents: 1_234, email: $"{NewUsername()}@example.com");

        var me = (await server.DataAsync(user.Token, BlinkOperations.DashboardMe))["me"]!;

        Assert.Equal(user.UserId.ToString(), me["id"].Str());
        Assert.Equal(user.Username, me["username"].Str());
        Assert.Equal("", me["language"].Str());
        Assert.Null(me["phone"]);
        Assert.False(me["totpEnabled"]!.GetValue<bool>());
        Assert.EndsWith("@example.com", me["email"]!["address"].Str(), StringComparison.Ordinal);
        Assert.False(me["email"]!["verified"]!.GetValue<bool>());
        Assert.InRange(me["createdAt"].Number(), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        var account = me["defaultAccount"]!;
        Assert.Equal(user.AccountId.ToString(), account["id"].Str());
        Assert.Equal(user.BtcWalletId.ToString(), account["defaultWalletId"].Str());
        Assert.Equal("USD", account["displayCurrency"].Str());
        Assert.Equal("ONE", account["level"].Str());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/account/callbacks", account["callbackPortalUrl"].Str());

        var wallets = account["wallets"]!.AsArray();
        Assert.Equal(2, wallets.Count);
        Assert.Equal(user.BtcWalletId.ToString(), wallets[0]!["id"].Str());
        Assert.Equal("BTC", wallets[0]!["walletCurrency"].Str());
        Assert.Equal(50_000, wallets[0]!["balance"].Number());
        Assert.Equal(0, wallets[0]!["pendingIncomingBalance"].Number());
        Assert.Equal(user.AccountId.ToString(), wallets[0]!["accountId"].Str());
        Assert.Equal(user.UsdWalletId.ToString(), wallets[1]!["id"].Str());
        Assert.Equal("USD", wallets[1]!["walletCurrency"].Str());
        Assert.Equal(1_234, wallets[1]!["balance"].Number());
    }

    [Fact]
    public async Task BtcPayment_BothSidesSeeItInTheirTransactions()
    {
        var alice = await server.NewUserAsync(sats: 100_000);
        var bob = await server.NewUserAsync(sats: 10_000);

        var sent = await server.DataAsync(alice.Token, BlinkOperations.IntraLedgerBtcPaymentSend, new
        {
            input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 25_000, memo = "coffee beans" },
        });
        Assert.Equal("SUCCESS", sent["intraLedgerPaymentSend"]!["status"].Str());
        Assert.Empty(sent["intraLedgerPaymentSend"]!["errors"]!.AsArray());

        var aliceTransactions = await TransactionsAsync(alice.Token, BlinkOperations.GetFirstTransactions, new { first = 10 });
        var bobTransactions = await TransactionsAsync(bob.Token, BlinkOperations.GetPaginatedTransactions, new { first = 10 });

        // Newest first: the payment, then the credit that funded the wallet.
        Assert.Equal(2, aliceTransactions.Count);
        var send = aliceTransactions[0]!["node"]!;
        Assert.Equal(send["id"].Str(), aliceTransactions[0]!["cursor"].Str());
        Assert.Equal("SEND", send["direction"].Str());
        Assert.Equal(-25_000, send["settlementAmount"].Number());
        Assert.Equal("BTC", send["settlementCurrency"].Str());
        Assert.Equal("-25.00", send["settlementDisplayAmount"].Str());
        Assert.Equal("USD", send["settlementDisplayCurrency"].Str());
        Assert.Equal("0.00", send["settlementDisplayFee"].Str());
        Assert.Equal(0, send["settlementFee"].Number());
        Assert.Equal("SUCCESS", send["status"].Str());
        Assert.Equal("coffee beans", send["memo"].Str());
        Assert.Equal(bob.Username, send["settlementVia"]!["counterPartyUsername"].Str());
        Assert.Equal(bob.BtcWalletId.ToString(), send["settlementVia"]!["counterPartyWalletId"].Str());
        Assert.Equal(bob.Username, send["initiationVia"]!["counterPartyUsername"].Str());
        Assert.Equal(bob.BtcWalletId.ToString(), send["initiationVia"]!["counterPartyWalletId"].Str());
        Assert.Equal(100_000_000_000, send["settlementPrice"]!["base"].Number());
        Assert.Equal(12, send["settlementPrice"]!["offset"]!.GetValue<int>());
        Assert.Equal("MINOR", send["settlementPrice"]!["currencyUnit"].Str());
        Assert.Equal("0.1", send["settlementPrice"]!["formattedAmount"].Str());

        Assert.Equal(2, bobTransactions.Count);
        var receive = bobTransactions[0]!["node"]!;
        Assert.Equal("RECEIVE", receive["direction"].Str());
        Assert.Equal(25_000, receive["settlementAmount"].Number());
        Assert.Equal("25.00", receive["settlementDisplayAmount"].Str());
        Assert.Equal("coffee beans", receive["memo"].Str());
        Assert.Equal(alice.Username, receive["settlementVia"]!["counterPartyUsername"].Str());
        Assert.Equal(alice.BtcWalletId.ToString(), receive["settlementVia"]!["counterPartyWalletId"].Str());
        Assert.Equal(receive["createdAt"].Number(), send["createdAt"].Number());

        // The funding credit has no counterparty.
        var credit = bobTransactions[1]!["node"]!;
        Assert.Equal("RECEIVE", credit["direction"].Str());
        Assert.Equal(10_000, credit["settlementAmount"].Number());
        Assert.Null(credit["settlementVia"]!["counterPartyWalletId"]);

        var balances = await server.DataAsync(alice.Token, BlinkOperations.DashboardMe);
        Assert.Equal(75_000, balances["me"]!["defaultAccount"]!["wallets"]![0]!["balance"].Number());
    }

    [Fact]
    public async Task UsdPayment_MovesCentsAndShowsDollars()
    {
        var alice = await server.NewUserAsync(cents: 10_000);
        var bob = await server.NewUserAsync();

        var sent = await server.DataAsync(alice.Token, BlinkOperations.IntraLedgerUsdPaymentSend, new
        {
            input = new { walletId = alice.UsdWalletId, recipientWalletId = bob.UsdWalletId, amount = 1_250 },
        });

        Assert.Equal("SUCCESS", sent["intraLedgerUsdPaymentSend"]!["status"].Str());
        var send = (await TransactionsAsync(alice.Token, BlinkOperations.GetFirstTransactions, new { first = 1 }))[0]!["node"]!;
        Assert.Equal(-1_250, send["settlementAmount"].Number());
        Assert.Equal("USD", send["settlementCurrency"].Str());
        Assert.Equal("-12.50", send["settlementDisplayAmount"].Str());
        Assert.Equal(1_000_000, send["settlementPrice"]!["base"].Number());
        Assert.Equal(6, send["settlementPrice"]!["offset"]!.GetValue<int>());
        Assert.Equal("1", send["settlementPrice"]!["formattedAmount"].Str());
        Assert.Null(send["memo"]);
        var receive = (await TransactionsAsync(bob.Token, BlinkOperations.GetFirstTransactions, new { first = 1 }))[0]!["node"]!;
        Assert.Equal(1_250, receive["settlementAmount"].Number());
    }

    [Fact]
    public async Task GetDefaultWalletByUsername_FindsTheBtcWallet()
    {
        var merchant = await server.NewUserAsync();
        var caller = await server.NewUserAsync();

        var wallet = (await server.DataAsync(caller.Token, BlinkOperations.GetDefaultWalletByUsername, new { username = merchant.Username!.ToUpperInvariant() }))["accountDefaultWallet"]!;

        Assert.Equal(merchant.BtcWalletId.ToString(), wallet["id"].Str());
        Assert.Equal("BTC", wallet["walletCurrency"].Str());
    }

    [Fact]
    public async Task GetDefaultWalletByUsername_UnknownUser_IsNotFound()
    {
        var caller = await server.NewUserAsync();

        var body = await server.GraphQLAsync(caller.Token, BlinkOperations.GetDefaultWalletByUsername, new { username = "nobody_here_at_all" });

        var error = SingleError(body);
        Assert.Equal("NOT_FOUND", error["code"].Str());
        Assert.Equal("Account does not exist for username nobody_here_at_all", error["message"].Str());
        Assert.Null(body["data"]);
    }

    [Fact]
    public async Task RealtimePrice_QuotesOneSatAndOneCentInCents()
    {
        var user = await server.NewUserAsync();

        var price = (await server.DataAsync(user.Token, BlinkOperations.RealtimePrice, new { currency = "USD" }))["realtimePrice"]!;

        Assert.Equal("USD", price["denominatorCurrency"].Str());
        Assert.True(Guid.TryParse(price["id"].Str(), out _));
        Assert.InRange(price["timestamp"].Number(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(100_000_000_000, price["btcSatPrice"]!["base"].Number());
        Assert.Equal(12, price["btcSatPrice"]!["offset"]!.GetValue<int>());
        Assert.Equal(1_000_000, price["usdCentPrice"]!["base"].Number());
        Assert.Equal(6, price["usdCentPrice"]!["offset"]!.GetValue<int>());
    }

    [Fact]
    public async Task CallbackEndpoints_IsAnEmptyList()
    {
        var user = await server.NewUserAsync();

        var data = await server.DataAsync(user.Token, BlinkOperations.CallbackEndpoints);

        Assert.Empty(data["me"]!["defaultAccount"]!["callbackEndpoints"]!.AsArray());
    }

    private async Task<JsonArray> TransactionsAsync(string token, string operation, object variables)
    {
        var data = await server.DataAsync(token, operation, variables);
        return data["me"]!["defaultAccount"]!["transactions"]!["edges"]!.AsArray();
    }
}

public sealed class SqliteDashboardOperationsTests(SqliteServerFixture server) : DashboardOperationsTests<SqliteServerFixture>(server);

public sealed class PostgresDashboardOperationsTests(PostgresServerFixture server) : DashboardOperationsTests<PostgresServerFixture>(server);
