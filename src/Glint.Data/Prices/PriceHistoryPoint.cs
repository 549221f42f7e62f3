namespace Glint.Data.Prices;

/// <summary>
/// One BTC/USD price the feed gave, at most one per poll interval. <see cref="At"/> is the start of that interval in
/// Unix seconds, and the key: nodes polling in the same interval store one point between them, and whole numbers let
/// both databases group points by hour, day or week in the query itself.
/// </summary>
public sealed class PriceHistoryPoint
{
    public long At { get; set; }

    /// <summary>US cents per whole bitcoin, as <c>BtcUsdPrice</c> holds it.</summary>
    public long CentsPerBitcoin { get; set; }
}
