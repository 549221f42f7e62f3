using Glint.Ledger;

namespace Glint.Wallets.Prices;

/// <summary>
/// The BTC/USD price this node uses now, held in memory: a payment or an invoice reads it without any I/O, and every
/// conversion of one request sees one price. With the fixed source (<c>prices.source = fixed</c>, the default) it is the
/// configured price, quoted at the time it is read; with a feed, the last good price the feed gave
/// (<see cref="PriceFeedPoller"/> sets it), quoted at the time it was fetched.
/// </summary>
public sealed class CurrentPrice : IPriceProvider
{
    private readonly TimeProvider _time;
    private readonly bool _fixed;
    private PriceQuote _quote;
    private PriceFeedProblem? _problem;

    private CurrentPrice(BtcUsdPrice price, TimeProvider time, bool fixedPrice)
    {
        _time = time;
        _fixed = fixedPrice;
        _quote = new PriceQuote(price, time.GetUtcNow());
    }

    /// <summary>The configured price, always.</summary>
    public static CurrentPrice Fixed(BtcUsdPrice price, TimeProvider time) => new(price, time, fixedPrice: true);

    /// <summary>A price a feed updates, <paramref name="initial"/> until it first does.</summary>
    public static CurrentPrice Fed(BtcUsdPrice initial, TimeProvider time) => new(initial, time, fixedPrice: false);

    /// <summary>Raised after the price changes to a different value, on the thread that changed it.</summary>
    public event Action<PriceQuote>? Changed;

    public PriceQuote Quote => _fixed ? new PriceQuote(Volatile.Read(ref _quote).Price, _time.GetUtcNow()) : Volatile.Read(ref _quote);

    /// <summary>Why the feed's price is not current (null while the feed answers well).</summary>
    public PriceFeedProblem? Problem => Volatile.Read(ref _problem);

    public ValueTask<PriceQuote> GetPriceAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Quote);

    /// <summary>A good price from the feed: it becomes current, and any problem is over.</summary>
    public void Set(PriceQuote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var previous = Interlocked.Exchange(ref _quote, quote);
        Volatile.Write(ref _problem, null);
        if (previous.Price == quote.Price || Changed is not { } changed)
        {
            return;
        }

        List<Exception>? failures = null;
        foreach (var listener in changed.GetInvocationList().Cast<Action<PriceQuote>>())
        {
            try
            {
                listener(quote);
            }
            catch (Exception exception)
            {
                // One subscriber's failure must not keep the price from the others.
                (failures ??= []).Add(exception);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("A price listener failed.", failures);
        }
    }

    /// <summary>The feed failed: the price stays as it is. The problem keeps the time it began.</summary>
    public void Report(string reason, DateTimeOffset at)
    {
        var since = Volatile.Read(ref _problem)?.Since ?? at;
        Volatile.Write(ref _problem, new PriceFeedProblem(reason, since, at, Volatile.Read(ref _quote)));
    }
}

/// <summary>What went wrong with the price feed, since when, and the price kept meanwhile.</summary>
public sealed record PriceFeedProblem(string Reason, DateTimeOffset Since, DateTimeOffset LastFailure, PriceQuote Kept);
