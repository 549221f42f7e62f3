namespace Glint.Wallets.Prices;

/// <summary>
/// A span of the price graph and how it is thinned, as Blink's price history serves it: one point per hour over a
/// day (24), per 4 hours over a week (42), per day over a month (30), per week over a year (53), per month over five
/// years (60; a month is 30 days here, so that every bucket is a whole number of seconds).
/// </summary>
public sealed record PriceRange(string Name, long BucketSeconds, int Points)
{
    public static readonly PriceRange OneDay = new("ONE_DAY", 3_600, 24);
    public static readonly PriceRange OneWeek = new("ONE_WEEK", 4 * 3_600, 42);
    public static readonly PriceRange OneMonth = new("ONE_MONTH", 86_400, 30);
    public static readonly PriceRange OneYear = new("ONE_YEAR", 7 * 86_400, 53);
    public static readonly PriceRange FiveYears = new("FIVE_YEARS", 30 * 86_400, 60);

    public static readonly IReadOnlyList<PriceRange> All = [OneDay, OneWeek, OneMonth, OneYear, FiveYears];

    public TimeSpan Span => TimeSpan.FromSeconds(BucketSeconds * Points);
}
