using System.Globalization;

namespace Glint.Ledger;

/// <summary>
/// The BTC/USD price as an exact integer: US cents per whole bitcoin (6_543_210 is $65,432.10). Why this form:
/// <list type="bullet">
/// <item>It is a rational with a fixed denominator, cents per sat = <c>CentsPerBitcoin / 10^8</c>, so every conversion is
/// one integer multiplication and one integer division, and the rounding is the division's truncation, nothing else.
/// A <c>decimal</c> rate would round at its 28th digit during the division, and we would have to prove that this
/// rounding can never push a result up by one unit.</item>
/// <item>Price feeds quote dollars with two decimals, so they convert to it without loss; its resolution
/// (10^-8 cent per sat) is far finer than the one minor unit the results are rounded to.</item>
/// <item>The intermediate product is an <see cref="Int128"/>: at most 2.1 × 10^15 × 9.2 × 10^18 &lt; 1.7 × 10^38, so it
/// never overflows, whatever the price.</item>
/// <item>Blink's <c>{base, offset}</c> price of one sat in cents is exactly <c>{CentsPerBitcoin, 8}</c>.</item>
/// </list>
/// </summary>
public readonly record struct BtcUsdPrice
{
    public const long SatsPerBitcoin = 100_000_000;

    public BtcUsdPrice(long centsPerBitcoin)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(centsPerBitcoin);
        CentsPerBitcoin = centsPerBitcoin;
    }

    public long CentsPerBitcoin { get; }

    /// <summary>
    /// Converts a non-negative amount into the other currency, rounding down to a whole minor unit: sats to cents at
    /// <c>⌊sats × CentsPerBitcoin / 10^8⌋</c>, cents to sats at <c>⌊cents × 10^8 / CentsPerBitcoin⌋</c>. Rounding down means
    /// the result is never worth more than the amount at this price, so a conversion cannot create money.
    /// Fails with <see cref="InvalidAmountReason.TooLarge"/> when the result exceeds <see cref="AmountLimits.MaxMinorUnits"/>.
    /// </summary>
    public LedgerResult<Money> ConvertRoundingDown(Money amount)
    {
        if (CentsPerBitcoin <= 0)
        {
            throw new InvalidOperationException("The price was never set (default BtcUsdPrice).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(amount.MinorUnits, nameof(amount));

        // Integer division truncates toward zero, which is rounding down for the non-negative numbers here.
        var converted = amount.Currency switch
        {
            Currency.Btc => (Int128)amount.MinorUnits * CentsPerBitcoin / SatsPerBitcoin,
            _ => (Int128)amount.MinorUnits * SatsPerBitcoin / CentsPerBitcoin,
        };

        if (converted > AmountLimits.MaxMinorUnits)
        {
            return new InvalidAmount(amount, InvalidAmountReason.TooLarge);
        }

        return new Money((long)converted, SupportedCurrency.Other(amount.Currency));
    }

    /// <summary>
    /// Converts a non-negative amount into the other currency, rounding up to a whole minor unit: what a payer must
    /// give so that the amount is fully covered at this price (a USD wallet paying a sats invoice pays the cents that
    /// cover it). Fails with <see cref="InvalidAmountReason.TooLarge"/> beyond <see cref="AmountLimits.MaxMinorUnits"/>.
    /// </summary>
    public LedgerResult<Money> ConvertRoundingUp(Money amount)
    {
        if (CentsPerBitcoin <= 0)
        {
            throw new InvalidOperationException("The price was never set (default BtcUsdPrice).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(amount.MinorUnits, nameof(amount));
        var (numerator, denominator) = amount.Currency switch
        {
            Currency.Btc => ((Int128)amount.MinorUnits * CentsPerBitcoin, (Int128)SatsPerBitcoin),
            _ => ((Int128)amount.MinorUnits * SatsPerBitcoin, (Int128)CentsPerBitcoin),
        };
        var converted = (numerator + denominator - 1) / denominator;
        if (converted > AmountLimits.MaxMinorUnits)
        {
            return new InvalidAmount(amount, InvalidAmountReason.TooLarge);
        }

        return new Money((long)converted, SupportedCurrency.Other(amount.Currency));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{CentsPerBitcoin / 100}.{CentsPerBitcoin % 100:D2} USD/BTC");
}
