using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Lightning;
using Glint.Wallets.Prices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Prices;

/// <summary>
/// The price from a feed on loopback: the queries and both subscriptions follow it, a failing or nonsensical feed keeps
/// the last good price and says so in <c>/health/ready</c> without failing it, and every good price is a point of the
/// history that <c>btcPriceList</c> thins to Blink's counts.
/// </summary>
public abstract class PriceFeedTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : PriceFeedServerFixture
{
    private const string SatPrice = "{ realtimePrice { btcSatPrice { base offset } timestamp } }";

    private const string PriceSubscription = """
        subscription($input: PriceInput!) { price(input: $input) { errors { message } price { base offset currencyUnit formattedAmount } } }
        """;

    private const string RealtimePriceSubscription = """
        subscription($input: RealtimePriceInput!) { realtimePrice(input: $input) { errors { message } realtimePrice { btcSatPrice { base offset } denominatorCurrency } } }
        """;

    private const string PriceList = """
        query($range: PriceGraphRange!) { btcPriceList(range: $range) { timestamp price { base offset currencyUnit formattedAmount } } }
        """;

    [Fact]
    public async Task GoodPrice_IsServedAndPushedToBothSubscriptions()
    {
        await SetPriceAsync(70_000m);
        await using var socket = await GraphQLWsClient.ConnectAsync(server);
        await socket.SubscribeAsync("price", PriceSubscription, new { input = new { amount = 1_000, amountCurrencyUnit = "BTCSAT", priceCurrencyUnit = "USDCENT" } });
        await socket.SubscribeAsync("realtime", RealtimePriceSubscription, new { input = new { currency = "USD" } });

        var firstPrice = Payload(await socket.ReceiveAsync("price"), "price");
        var firstRealtime = Payload(await socket.ReceiveAsync("realtime"), "realtimePrice");
        // 1,000 sats at $70,000 a bitcoin are 70 cents: base 1,000 × 7,000,000 × 10^4 at offset 12.
        Assert.Equal(70_000_000_000_000, firstPrice["price"]!["base"]!.GetValue<long>());
        Assert.Equal(12, firstPrice["price"]!["offset"]!.GetValue<int>());
        Assert.Equal("USDCENT", firstPrice["price"]!["currencyUnit"].Str());
        Assert.Equal("70", firstPrice["price"]!["formattedAmount"].Str());
        Assert.Equal(70_000_000_000, firstRealtime["realtimePrice"]!["btcSatPrice"]!["base"]!.GetValue<long>());

        server.Feed.Answers(PriceFeed.Price(71_234.56m));
        Assert.NotNull((await server.PollAsync()).Price);

        var pushedPrice = Payload(await socket.ReceiveAsync("price"), "price");
        var pushedRealtime = Payload(await socket.ReceiveAsync("realtime"), "realtimePrice");
        Assert.Equal(1_000L * 7_123_456 * 10_000, pushedPrice["price"]!["base"]!.GetValue<long>());
        Assert.Equal("71.23456", pushedPrice["price"]!["formattedAmount"].Str());
        Assert.Empty(pushedPrice["errors"]!.AsArray());
        Assert.Equal(7_123_456L * 10_000, pushedRealtime["realtimePrice"]!["btcSatPrice"]!["base"]!.GetValue<long>());
        Assert.Equal(7_123_456L * 10_000, await SatPriceBaseAsync());
    }

    [Fact]
    public async Task PriceSubscription_RefusesWhatBlinkRefuses()
    {
        await using var socket = await GraphQLWsClient.ConnectAsync(server);
        await socket.SubscribeAsync("unit", PriceSubscription, new { input = new { amount = 1, amountCurrencyUnit = "USDCENT", priceCurrencyUnit = "BTCSAT" } });
        var refused = Payload(await socket.ReceiveAsync("unit"), "price");
        Assert.Equal("Unsupported exchange unit", refused["errors"]![0]!["message"].Str());
        Assert.Null(refused["price"]);
        Assert.Equal("complete", (await socket.ReceiveAsync("unit"))["type"].Str());

        await socket.SubscribeAsync("currency", RealtimePriceSubscription, new { input = new { currency = "XYZ" } });
        var unknown = Payload(await socket.ReceiveAsync("currency"), "realtimePrice");
        Assert.Equal("Invalid currency.", unknown["errors"]![0]!["message"].Str());
    }

    [Theory]
    [InlineData(500, """{"error":"down"}""", "HTTP 500")]
    [InlineData(200, "<html>maintenance</html>", "not JSON")]
    [InlineData(200, """{"data":{"amount":"a lot"}}""", "not a number")]
    [InlineData(200, """{"data":{"amount":true}}""", "not a number")]
    [InlineData(200, """{"data":{"amount":0}}""", "not a price")]
    [InlineData(200, """{"data":{"amount":"-65000"}}""", "not a price")]
    [InlineData(200, """{"data":{"price":65000}}""", "nothing at data.amount")]
    public async Task FailingOrNonsensicalFeed_KeepsTheLastGoodPrice_AndSaysSoInReadiness(int status, string body, string reason)
    {
        await SetPriceAsync(64_000m);
        using (var healthy = await server.Admin.GetAsync("/health/ready", TestContext.Current.CancellationToken))
        {
            Assert.Null(JsonNode.Parse(await healthy.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["details"]);
        }

        server.Feed.Answers(status, body);
        var reading = await server.PollAsync();

        Assert.Null(reading.Price);
        Assert.Contains(reason, reading.Problem, StringComparison.Ordinal);
        Assert.Equal(6_400_000L * 10_000, await SatPriceBaseAsync());
        var conversion = await server.DataAsync(null, "{ currencyConversionEstimation(amount: 64, currency: \"USD\") { btcSatAmount usdCentAmount } }");
        Assert.Equal(100_000, conversion["currencyConversionEstimation"]!["btcSatAmount"]!.GetValue<long>());

        using var ready = await server.Admin.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var text = await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var details = JsonNode.Parse(text)!;
        Assert.Equal("ok", details["status"].Str());
        Assert.Contains(reason, details["details"]!["prices"].Str(), StringComparison.Ordinal);
        Assert.Contains("64000.00 USD/BTC", details["details"]!["prices"].Str(), StringComparison.Ordinal);
        // Neither the feed's credentials nor its API key are ever shown.
        Assert.DoesNotContain(PriceFeed.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("feed-api-key", text, StringComparison.Ordinal);

        await SetPriceAsync(64_000m);
        using var recovered = await server.Admin.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Null(JsonNode.Parse(await recovered.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["details"]);
    }

    [Fact]
    public async Task GoodPrices_AreStoredOncePerInterval_EvenWhenSeveralNodesStoreThem()
    {
        var reading = await SetPriceAsync(66_000m);
        var at = server.Clock.GetUtcNow();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            // A second node polling in the same interval, with a slightly different price: the first point stays.
            await scope.ServiceProvider.GetRequiredService<PriceHistory>().StoreAsync(
                new PriceQuote(new Glint.Ledger.BtcUsdPrice(6_600_100), at), PriceFeedServerFixture.Interval, CancellationToken.None);
        }

        var bucket = at.ToUnixTimeSeconds() / 60 * 60;
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));
        var stored = await db.PriceHistory.Where(point => point.At == bucket).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(6_600_000, Assert.Single(stored).CentsPerBitcoin);
        Assert.Equal(reading.Price!.Value.CentsPerBitcoin, stored[0].CentsPerBitcoin);
    }

    [Fact]
    public async Task BtcPriceList_ThinsTheHistoryToOnePointPerHour_ThenTheCurrentPrice()
    {
        await SetPriceAsync(67_000m);
        var now = server.Clock.GetUtcNow().ToUnixTimeSeconds();
        var hour = now / 3_600 * 3_600;
        var expected = new Dictionary<long, long>();
        await using (var db = Database.Open(DatabaseDsn.Parse(server.Dsn)))
        {
            // The other tests' polls stored points too; this test owns the hours before this one.
            await db.PriceHistory.Where(point => point.At < hour).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
            // Three points in each of the 30 hours before this one: only each hour's last counts, and only 23 fit in a day with the current hour.
            for (var hoursAgo = 1; hoursAgo <= 30; hoursAgo++)
            {
                var start = hour - (hoursAgo * 3_600);
                for (var minute = 0; minute < 3; minute++)
                {
                    db.PriceHistory.Add(new Glint.Data.Prices.PriceHistoryPoint { At = start + (minute * 600), CentsPerBitcoin = 5_000_000 + (hoursAgo * 1_000) + minute });
                }

                if (hoursAgo <= 23)
                {
                    expected[start + 1_200] = 5_000_000 + (hoursAgo * 1_000) + 2;
                }
            }

            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var list = (await server.DataAsync(null, PriceList, new { range = "ONE_DAY" }))["btcPriceList"]!.AsArray();

        Assert.InRange(list.Count, 24, 25);
        var points = list.Select(point => (At: point!["timestamp"]!.GetValue<long>(), Price: point["price"]!)).ToList();
        Assert.Equal(points.OrderBy(point => point.At).Select(point => point.At), points.Select(point => point.At));
        foreach (var (at, cents) in expected)
        {
            var point = Assert.Single(points, point => point.At == at);
            Assert.Equal(cents * 10_000, point.Price["base"]!.GetValue<long>());
            Assert.Equal(4, point.Price["offset"]!.GetValue<int>());
            Assert.Equal("USDCENT", point.Price["currencyUnit"].Str());
        }

        Assert.DoesNotContain(points, point => point.At < hour - (23 * 3_600));
        var last = points[^1];
        Assert.Equal(6_700_000L * 10_000, last.Price["base"]!.GetValue<long>());
        Assert.Equal("6700000", last.Price["formattedAmount"].Str());
        Assert.Equal(now, last.At);

        foreach (var (range, most) in new[] { ("ONE_WEEK", 43), ("ONE_MONTH", 31), ("ONE_YEAR", 54), ("FIVE_YEARS", 61) })
        {
            var thinned = (await server.DataAsync(null, PriceList, new { range }))["btcPriceList"]!.AsArray();
            Assert.InRange(thinned.Count, 2, most);
        }
    }

    [Fact]
    public async Task BtcPriceList_RefusesAnUnknownRange()
    {
        using var response = await server.PostGraphQLAsync(null, PriceList, new { range = "TEN_YEARS" });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Contains("PriceGraphRange", body["errors"]![0]!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payments_ConvertAtTheFeedsCurrentPrice()
    {
        await SetPriceAsync(50_000m);
        var payer = await server.NewUserAsync(sats: 100_000);
        var payee = await server.NewUserAsync();
        var invoice = (await server.DataAsync(payee.Token, """
            mutation($input: LnUsdInvoiceCreateInput!) { lnUsdInvoiceCreate(input: $input) { invoice { paymentRequest satoshis } errors { message } } }
            """, new { input = new { walletId = payee.UsdWalletId, amount = 100 } }))["lnUsdInvoiceCreate"]!["invoice"]!;

        // One dollar at $50,000 a bitcoin is 2,000 sats.
        Assert.Equal(2_000, invoice["satoshis"]!.GetValue<long>());
    }

    private async Task<PriceReading> SetPriceAsync(decimal dollars)
    {
        server.Feed.Answers(PriceFeed.Price(dollars));
        var reading = await server.PollAsync();
        Assert.True(reading.Price is not null, reading.Problem);
        return reading;
    }

    private async Task<long> SatPriceBaseAsync() =>
        (await server.DataAsync(null, SatPrice))["realtimePrice"]!["btcSatPrice"]!["base"]!.GetValue<long>();

    private static JsonNode Payload(JsonObject message, string field)
    {
        Assert.Equal("next", message["type"].Str());
        return message["payload"]!["data"]![field]!;
    }
}

public sealed class SqlitePriceFeedTests(SqlitePriceFeedServerFixture server) : PriceFeedTests<SqlitePriceFeedServerFixture>(server);

public sealed class PostgresPriceFeedTests(PostgresPriceFeedServerFixture server) : PriceFeedTests<PostgresPriceFeedServerFixture>(server);
