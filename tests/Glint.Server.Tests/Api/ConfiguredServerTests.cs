using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Api;

/// <summary>A server on regtest with a Lightning address domain and a price of $65,432.10 per bitcoin.</summary>
public sealed class SqliteConfiguredApiServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredApiSettings.Values;
}

public sealed class PostgresConfiguredApiServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredApiSettings.Values;
}

public static class ConfiguredApiSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        ["api:network"] = "regtest",
        ["api:lightning_address_domain"] = "pay.example",
        [ConfigurationKeys.BtcUsdPrice] = "65432.10",
    };
}

/// <summary>Settings reach <c>globals</c>, and display amounts round to the cent at the configured price.</summary>
public abstract class ConfiguredServerTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Globals_ShowTheConfiguredNetworkAndDomain()
    {
        var globals = (await server.DataAsync(null, "query { globals { network lightningAddressDomain } }"))["globals"]!;

        Assert.Equal("regtest", globals["network"].Str());
        Assert.Equal("pay.example", globals["lightningAddressDomain"].Str());
    }

    [Theory]
    [InlineData(1_000, "-0.65")] // 65.4321 cents
    [InlineData(765, "-0.50")] // 50.0556 cents
    [InlineData(1, "0.00")] // 0.0654 cents: nothing to show, and no minus sign on zero
    public async Task SendDisplayAmount_IsRoundedToTheCent(long sats, string display)
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();
        await server.DataAsync(alice.Token, BlinkOperations.IntraLedgerBtcPaymentSend,
            new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = sats } });

        var node = (await server.DataAsync(alice.Token, BlinkOperations.GetFirstTransactions, new { first = 1 }))
            ["me"]!["defaultAccount"]!["transactions"]!["edges"]![0]!["node"]!;

        Assert.Equal(display, node["settlementDisplayAmount"].Str());
        Assert.Equal(65_432_100_000, node["settlementPrice"]!["base"].Number());
        Assert.Equal("0.0654321", node["settlementPrice"]!["formattedAmount"].Str());
    }

    [Fact]
    public async Task RealtimePrice_FollowsTheConfiguredPrice()
    {
        var price = (await server.DataAsync(null, "query { realtimePrice { btcSatPrice { base offset } } }"))["realtimePrice"]!;

        Assert.Equal(65_432_100_000, price["btcSatPrice"]!["base"].Number());
    }
}

public sealed class SqliteConfiguredServerTests(SqliteConfiguredApiServer server) : ConfiguredServerTests<SqliteConfiguredApiServer>(server);

public sealed class PostgresConfiguredServerTests(PostgresConfiguredApiServer server) : ConfiguredServerTests<PostgresConfiguredApiServer>(server);
