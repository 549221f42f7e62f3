using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Api;

/// <summary>Blink's PoS (pay) app: a read-only token for the merchant's own data, unauthenticated calls for the rest.</summary>
public abstract class PosOperationsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Me_WithReadOnlyToken_ReturnsUsernameAndDisplayCurrency()
    {
        var merchant = await server.NewUserAsync(grant: ["read"]);

        var me = (await server.DataAsync(merchant.Token, BlinkOperations.PosMe))["me"]!;

        Assert.Equal(merchant.UserId.ToString(), me["id"].Str());
        Assert.Equal(merchant.Username, me["username"].Str());
        Assert.Equal("USD", me["defaultAccount"]!["displayCurrency"].Str());
    }

    [Fact]
    public async Task Me_OfAUserWithoutUsername_HasNullUsername()
    {
        var user = await server.NewUserAsync(grant: ["read"], withUsername: false);

        var me = (await server.DataAsync(user.Token, BlinkOperations.PosMe))["me"]!;

        Assert.Null(me["username"]);
    }

    [Fact]
    public async Task GetPaginatedTransactions_FirstTen_ReturnsTheNewestTen()
    {
        var merchant = await server.NewUserAsync(grant: ["read"]);
        for (var i = 1; i <= 12; i++)
        {
            await server.CreditAsync(merchant.BtcWalletId, i * 1_000);
        }

        var connection = (await server.DataAsync(merchant.Token, BlinkOperations.PosGetPaginatedTransactions, new { first = 10 }))["me"]!["defaultAccount"]!["transactions"]!;

        var edges = connection["edges"]!.AsArray();
        Assert.Equal(10, edges.Count);
        Assert.Equal(12_000, edges[0]!["node"]!["settlementAmount"].Number());
        Assert.Equal(3_000, edges[9]!["node"]!["settlementAmount"].Number());
        Assert.True(connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
        Assert.False(connection["pageInfo"]!["hasPreviousPage"]!.GetValue<bool>());
        Assert.Equal(edges[9]!["cursor"].Str(), connection["pageInfo"]!["endCursor"].Str());
        Assert.Equal(edges[0]!["cursor"].Str(), connection["pageInfo"]!["startCursor"].Str());
    }

    [Fact]
    public async Task AccountDefaultWallet_Unauthenticated_FindsTheMerchantsWalletOfEachCurrency()
    {
        var merchant = await server.NewUserAsync();

        var btc = (await server.DataAsync(null, BlinkOperations.AccountDefaultWallet, new { username = merchant.Username }))["accountDefaultWallet"]!;
        var usd = (await server.DataAsync(null, BlinkOperations.AccountDefaultWallet, new { username = merchant.Username, walletCurrency = "USD" }))["accountDefaultWallet"]!;

        Assert.Equal("PublicWallet", btc["__typename"].Str());
        Assert.Equal(merchant.BtcWalletId.ToString(), btc["id"].Str());
        Assert.Equal("BTC", btc["walletCurrency"].Str());
        Assert.Equal(merchant.UsdWalletId.ToString(), usd["id"].Str());
        Assert.Equal("USD", usd["walletCurrency"].Str());
    }

    [Fact]
    public async Task CurrencyList_Unauthenticated_OffersUsDollars()
    {
        var currencies = (await server.DataAsync(null, BlinkOperations.CurrencyList))["currencyList"]!.AsArray();

        var usd = Assert.Single(currencies)!;
        Assert.Equal("Currency", usd["__typename"].Str());
        Assert.Equal("USD", usd["id"].Str());
        Assert.Equal("$", usd["symbol"].Str());
        Assert.Equal("US Dollar", usd["name"].Str());
        Assert.Equal("\U0001F1FA\U0001F1F8", usd["flag"].Str());
        Assert.Equal(2, usd["fractionDigits"]!.GetValue<int>());
    }
}

public sealed class SqlitePosOperationsTests(SqliteServerFixture server) : PosOperationsTests<SqliteServerFixture>(server);

public sealed class PostgresPosOperationsTests(PostgresServerFixture server) : PosOperationsTests<PostgresServerFixture>(server);
