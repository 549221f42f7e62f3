using System.Globalization;
using Glint.Ledger;
using Glint.Wallet.Ledger;

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
