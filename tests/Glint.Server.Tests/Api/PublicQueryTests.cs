using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>The queries anyone may make; the configured price is the default $100,000 per bitcoin.</summary>
public abstract class PublicQueryTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Globals_DescribeTheServer()
    {
        var globals = (await server.DataAsync(null, """
            query { globals { network lightningAddressDomain lightningAddressDomainAliases nodesIds
              supportedCountries { id supportedAuthChannels } buildInformation { commitHash helmRevision }
              feesInformation { deposit { minBankFee minBankFeeThreshold ratio } } } }
            """))["globals"]!;

        // The network of the invoices the server issues (regtest unless configured), and the one key that signs them.
        Assert.Equal("regtest", globals["network"].Str());
        // Lightning addresses are user@<the issuer's host and port> unless configured.
        Assert.Equal($"127.0.0.1:{server.PublicPort}", globals["lightningAddressDomain"].Str());
        Assert.Empty(globals["lightningAddressDomainAliases"]!.AsArray());
        Assert.Matches("^0[23][0-9a-f]{64}$", Assert.Single(globals["nodesIds"]!.AsArray()).Str());
        Assert.Empty(globals["supportedCountries"]!.AsArray());
        Assert.Null(globals["buildInformation"]!["commitHash"]);
        Assert.Equal("0", globals["feesInformation"]!["deposit"]!["ratio"].Str());
    }

    [Fact]
    public async Task RealtimePrice_DefaultsToUsd()
    {
        var price = (await server.DataAsync(null, "query { realtimePrice { denominatorCurrencyDetails { id symbol } btcSatPrice { base offset currencyUnit } } }"))["realtimePrice"]!;

        Assert.Equal("USD", price["denominatorCurrencyDetails"]!["id"].Str());
        Assert.Equal(100_000_000_000, price["btcSatPrice"]!["base"].Number());
        Assert.Equal("MINOR", price["btcSatPrice"]!["currencyUnit"].Str());
    }

    [Fact]
    public async Task RealtimePrice_InAnUnofferedCurrency_IsInvalidInput()
    {
        var body = await server.GraphQLAsync(null, """query { realtimePrice(currency: "EUR") { id } }""");

        Assert.Equal("INVALID_INPUT", SingleError(body)["code"].Str());
    }

    [Fact]
    public async Task CurrencyConversionEstimation_ConvertsDollarsToCentsAndSats()
    {
        var estimate = (await server.DataAsync(null, """query { currencyConversionEstimation(amount: 12.345, currency: "USD") { id timestamp btcSatAmount usdCentAmount } }"""))["currencyConversionEstimation"]!;

        Assert.Equal(1_235, estimate["usdCentAmount"].Number());
        Assert.Equal(12_350, estimate["btcSatAmount"].Number());
        Assert.True(Guid.TryParse(estimate["id"].Str(), out _));
    }

    [Theory]
    [InlineData("-1", "USD", "Invalid value for amount.")]
    [InlineData("1e30", "USD", "Invalid value for amount.")]
    [InlineData("10", "EUR", "Invalid currency.")]
    public async Task CurrencyConversionEstimation_OfABadAmountOrCurrency_IsInvalidInput(string amount, string currency, string message)
    {
        var body = await server.GraphQLAsync(null, $$"""query { currencyConversionEstimation(amount: {{amount}}, currency: "{{currency}}") { btcSatAmount } }""");

        var error = SingleError(body);
        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.Equal(message, error["message"].Str());
    }

    [Fact]
    public async Task UserDefaultWalletId_FindsTheDefaultWallet()
    {
        var merchant = await server.NewUserAsync();

        var data = await server.DataAsync(null, "query($u: Username!) { userDefaultWalletId(username: $u) }", new { u = merchant.Username });

        Assert.Equal(merchant.BtcWalletId.ToString(), data["userDefaultWalletId"].Str());
    }

    [Fact]
    public async Task WalletQueries_ReadBalancesAndTransactionsByIdThroughTheInterface()
    {
        var user = await server.NewUserAsync(sats: 321, cents: 45);
        var query = """
            query($w: WalletId!, $t: ID!) { me { defaultAccount {
              walletById(walletId: $w) { __typename id balance walletCurrency transactionById(transactionId: $t) { id settlementAmount }
                transactionsByPaymentHash(paymentHash: "0000000000000000000000000000000000000000000000000000000000000000") { id } }
              wallets { __typename ... on UsdWallet { balance } } } } }
            """;
        var first = (await server.DataAsync(user.Token, "query { me { defaultAccount { transactions(first: 2) { edges { node { id settlementCurrency } } } } } }"))
            ["me"]!["defaultAccount"]!["transactions"]!["edges"]!.AsArray().Single(e => e!["node"]!["settlementCurrency"].Str() == "BTC")!["node"]!["id"].Str();

        var account = (await server.DataAsync(user.Token, query, new { w = user.BtcWalletId, t = first }))["me"]!["defaultAccount"]!;

        Assert.Equal("BTCWallet", account["walletById"]!["__typename"].Str());
        Assert.Equal(321, account["walletById"]!["balance"].Number());
        Assert.Equal(321, account["walletById"]!["transactionById"]!["settlementAmount"].Number());
        Assert.Empty(account["walletById"]!["transactionsByPaymentHash"]!.AsArray());
        Assert.Equal("UsdWallet", account["wallets"]![1]!["__typename"].Str());
        Assert.Equal(45, account["wallets"]![1]!["balance"].Number());
    }

    [Fact]
    public async Task WalletById_OfAnotherAccount_IsRefused()
    {
        var user = await server.NewUserAsync();
        var other = await server.NewUserAsync();

        var body = await server.GraphQLAsync(user.Token, "query($w: WalletId!) { me { defaultAccount { walletById(walletId: $w) { id } } } }", new { w = other.BtcWalletId });

        Assert.Equal("INVALID_INPUT", SingleError(body)["code"].Str());
    }
}

public sealed class SqlitePublicQueryTests(SqliteServerFixture server) : PublicQueryTests<SqliteServerFixture>(server);

public sealed class PostgresPublicQueryTests(PostgresServerFixture server) : PublicQueryTests<PostgresServerFixture>(server);
