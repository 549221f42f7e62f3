using System.Text.Json;
using Glint.Server.Hosting;
using Glint.Wallets.Prices;

namespace Glint.Server.Tests.Prices;

/// <summary>The price settings: fixed by default, a feed only with a usable URL and path, and a URL never repeated.</summary>
public sealed class PriceSettingsTests
{
    [Fact]
    public void Default_IsTheFixedPrice()
    {
        Assert.Null(Read([]).PriceFeed);
        Assert.Null(Read(new() { [ConfigurationKeys.PriceSource] = "fixed" }).PriceFeed);
    }

    [Fact]
    public void Feed_ReadsUrlPathAndInterval()
    {
        var feed = Read(new()
        {
            [ConfigurationKeys.PriceSource] = "feed",
            [ConfigurationKeys.PriceFeedUrl] = "https://user:secret@prices.example.com/v1/spot?key=k123",
            [ConfigurationKeys.PriceFeedJsonPath] = "$.prices[1].usd",
            [ConfigurationKeys.PriceFeedInterval] = "30s",
        }).PriceFeed!;

        Assert.Equal(TimeSpan.FromSeconds(30), feed.Interval);
        Assert.Equal("https://prices.example.com/v1/spot", feed.Redacted);
        Assert.Equal(TimeSpan.FromMinutes(1), Read(new()
        {
            [ConfigurationKeys.PriceSource] = "feed",
            [ConfigurationKeys.PriceFeedUrl] = "https://prices.example.com/",
            [ConfigurationKeys.PriceFeedJsonPath] = "usd",
        }).PriceFeed!.Interval);
    }

    [Theory]
    [InlineData("oracle", "https://prices.example.com/", "usd", "prices.source")]
    [InlineData("feed", "ftp://user:secret@prices.example.com/", "usd", "prices.feed.url")]
    [InlineData("feed", null, "usd", "prices.feed.url")]
    [InlineData("feed", "https://prices.example.com/", null, "prices.feed.json_path")]
    [InlineData("feed", "https://prices.example.com/", "a..b", "prices.feed.json_path")]
    [InlineData("feed", "https://prices.example.com/", "a[x]", "prices.feed.json_path")]
    public void Refused_WithTheSettingsName_AndNeverTheUrl(string source, string? url, string? path, string setting)
    {
        var refused = Assert.Throws<SettingsException>(() => Read(new()
        {
            [ConfigurationKeys.PriceSource] = source,
            [ConfigurationKeys.PriceFeedUrl] = url,
            [ConfigurationKeys.PriceFeedJsonPath] = path,
        }));

        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data.amount", """{"data":{"amount":"97000.5"}}""", 9_700_050L)]
    [InlineData("$.bitcoin.usd", """{"bitcoin":{"usd":97000.129}}""", 9_700_012L)]
    [InlineData("prices[1].usd", """{"prices":[{"usd":1},{"usd":65000}]}""", 6_500_000L)]
    [InlineData("[0]", """[64000.01]""", 6_400_001L)]
    public void Reader_FindsThePriceAtThePath(string path, string body, long cents)
    {
        Assert.True(FeedJsonPath.TryParse(path, out var parsed));
        using var http = new HttpClient();
        var reader = new PriceFeedReader(http, new PriceFeedOptions(new Uri("https://prices.example.com/"), parsed, TimeSpan.FromMinutes(1)));

        var reading = reader.Parse(JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(body).RootElement));

        Assert.Equal(cents, reading.Price!.Value.CentsPerBitcoin);
    }

    private static ServerSettings Read(Dictionary<string, string?> settings) =>
        ServerSettings.Read(GlintConfiguration.Build(settings, new System.Collections.Hashtable()));
}
