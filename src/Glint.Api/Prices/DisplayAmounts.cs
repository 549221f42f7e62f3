using System.Globalization;
using Glint.Ledger;
using Glint.Wallets.Journal;

namespace Glint.Api.Prices;

/// <summary>
/// Amounts and prices in the display currency (US dollars), computed as Blink computes them: a BTC amount is worth
/// <c>sats × CentsPerBitcoin / 10^8</c> cents rounded to the nearest cent, shown in dollars with two decimals; the
/// price of one sat in cents is <c>{base: CentsPerBitcoin × 10^4, offset: 12}</c> and that of one cent is <c>{10^6, 6}</c>.
/// </summary>
public static class DisplayAmounts
{
    public const int SatPriceOffset = 12;
    public const int CentPriceOffset = 6;

    public static MinorUnitPrice SatPrice(long centsPerBitcoin) => Price(checked(centsPerBitcoin * 10_000), SatPriceOffset);

    public static MinorUnitPrice CentPrice() => Price(1_000_000, CentPriceOffset);

    /// <summary>Blink's offset of the price of one bitcoin in cents (a point of the price graph).</summary>
    public const int BitcoinPriceOffset = 4;

    /// <summary>The price of one bitcoin in cents, as a point of <c>btcPriceList</c>: <c>{cents × 10^4, 4}</c>.</summary>
    public static MinorUnitPrice BitcoinPrice(long centsPerBitcoin) => new(
        checked(centsPerBitcoin * 10_000), BitcoinPriceOffset, centsPerBitcoin.ToString(CultureInfo.InvariantCulture), MinorUnitPrice.UsdCent);

    /// <summary>
    /// The price of <paramref name="sats"/> in cents, as the <c>price</c> subscription sends it:
    /// <c>{sats × CentsPerBitcoin × 10^4, 12}</c>, exact; null when the base exceeds what a SafeInt holds.
    /// </summary>
    public static MinorUnitPrice? SatsPrice(long sats, long centsPerBitcoin)
    {
        var priceBase = (Int128)sats * centsPerBitcoin * 10_000;
        if (priceBase > SafeIntMaximum)
        {
            return null;
        }

        var cents = (decimal)sats * centsPerBitcoin / BtcUsdPrice.SatsPerBitcoin;
        return new((long)priceBase, SatPriceOffset, cents.ToString("0.############", CultureInfo.InvariantCulture), MinorUnitPrice.UsdCent);
    }

    /// <summary>2^53 - 1, the largest SafeInt.</summary>
    private const long SafeIntMaximum = 9_007_199_254_740_991;

    /// <summary>The price one minor unit of <paramref name="walletCurrency"/> was settled at.</summary>
    public static MinorUnitPrice SettlementPrice(string walletCurrency, long centsPerBitcoin) =>
        walletCurrency == CurrencyCodes.Btc ? SatPrice(centsPerBitcoin) : CentPrice();

    /// <summary>A signed amount of the wallet's currency in cents, rounded half away from zero.</summary>
    public static long Cents(string walletCurrency, long amount, long centsPerBitcoin)
    {
        if (walletCurrency != CurrencyCodes.Btc)
        {
            return amount;
        }

        var magnitude = ((Int128)Math.Abs(amount) * centsPerBitcoin + BtcUsdPrice.SatsPerBitcoin / 2) / BtcUsdPrice.SatsPerBitcoin;
        return (long)(amount < 0 ? -magnitude : magnitude);
    }

    /// <summary>Cents as dollars with two decimals: -65 is "-0.65".</summary>
    public static string Major(long cents) => (cents / 100m).ToString("F2", CultureInfo.InvariantCulture);

    private static MinorUnitPrice Price(long priceBase, int offset) =>
        new(priceBase, offset, (priceBase / Math.Pow(10, offset)).ToString(CultureInfo.InvariantCulture));
}
