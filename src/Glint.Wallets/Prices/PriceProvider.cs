using Glint.Ledger;

namespace Glint.Wallets.Prices;

/// <summary>Where the BTC/USD price comes from: USD wallets, display amounts and <c>realtimePrice</c> all use it.</summary>
public interface IPriceProvider
{
    ValueTask<PriceQuote> GetPriceAsync(CancellationToken cancellationToken);
}

public sealed record PriceQuote(BtcUsdPrice Price, DateTimeOffset At);
