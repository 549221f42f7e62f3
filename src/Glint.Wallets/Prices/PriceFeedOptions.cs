namespace Glint.Wallets.Prices;

/// <summary>
/// An HTTP JSON price feed (<c>prices.source = feed</c>): <see cref="Url"/> is fetched every <see cref="Interval"/>,
/// and the BTC/USD price is read at <see cref="JsonPath"/>. User and password in the URL are sent as Basic
/// credentials and never logged.
/// </summary>
public sealed record PriceFeedOptions(Uri Url, FeedJsonPath JsonPath, TimeSpan Interval)
{
    /// <summary>How long one fetch may take; a slower feed counts as failed.</summary>
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The largest answer read; a feed's answer is a few hundred bytes.</summary>
    public const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>The URL as the log may show it: no credentials, no query (which often holds an API key).</summary>
    public string Redacted => new UriBuilder(Url) { UserName = "", Password = "", Query = "" }.Uri.GetLeftPart(UriPartial.Path);
}
