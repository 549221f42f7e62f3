using Glint.Data;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Prices;

/// <summary>A stored price: when (Unix seconds) and US cents per bitcoin.</summary>
public sealed record PricePoint(long At, long CentsPerBitcoin);

/// <summary>The prices the feed gave over time (table <c>price_history</c>), stored once per poll interval.</summary>
public sealed class PriceHistory(GlintDbContext db)
{
    /// <summary>
    /// Stores the price for the poll interval its time falls in. When several nodes poll, the first to
    /// store a point for an interval keeps it; the others' inserts do nothing, so no point is ever stored twice.
    /// </summary>
    public async Task StoreAsync(PriceQuote quote, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var seconds = Math.Max(1, (long)interval.TotalSeconds);
        var at = quote.At.ToUnixTimeSeconds() / seconds * seconds;
        var cents = quote.Price.CentsPerBitcoin;
        // ON CONFLICT DO NOTHING means the same in SQLite and PostgreSQL.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO price_history (\"At\", \"CentsPerBitcoin\") VALUES ({at}, {cents}) ON CONFLICT (\"At\") DO NOTHING", cancellationToken);
    }

    public async Task<PricePoint?> LatestAsync(CancellationToken cancellationToken) =>
        await db.PriceHistory.AsNoTracking().OrderByDescending(point => point.At)
            .Select(point => new PricePoint(point.At, point.CentsPerBitcoin)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The last price of each of the range's buckets before <paramref name="now"/>, oldest first: at most
    /// <see cref="PriceRange.Points"/> rows are read back, however many are stored. The grouping is whole-number
    /// arithmetic on the key, which both databases run in the query.
    /// </summary>
    public async Task<IReadOnlyList<PricePoint>> ListAsync(PriceRange range, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var size = range.BucketSeconds;
        var until = now.ToUnixTimeSeconds();
        var since = (until / size - range.Points + 1) * size;
        var lasts = await db.PriceHistory.AsNoTracking()
            .Where(point => point.At >= since && point.At <= until)
            .GroupBy(point => point.At / size)
            .Select(bucket => bucket.Max(point => point.At))
            .ToListAsync(cancellationToken);
        return await db.PriceHistory.AsNoTracking()
            .Where(point => lasts.Contains(point.At))
            .OrderBy(point => point.At)
            .Select(point => new PricePoint(point.At, point.CentsPerBitcoin))
            .ToListAsync(cancellationToken);
    }
}
