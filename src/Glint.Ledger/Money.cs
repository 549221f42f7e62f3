using System.Globalization;

namespace Glint.Ledger;

/// <summary>
/// A signed amount in whole minor units of one currency (sats or cents); there is no floating point anywhere near it.
/// Arithmetic is checked: an overflow throws <see cref="OverflowException"/> rather than wrapping around to a wrong
/// balance, and mixing currencies throws, because adding sats to cents is always a bug.
/// </summary>
public readonly record struct Money
{
    public Money(long minorUnits, Currency currency)
    {
        MinorUnits = minorUnits;
        Currency = SupportedCurrency.Ensure(currency, nameof(currency));
    }

    public long MinorUnits { get; }

    public Currency Currency { get; }

    public bool IsZero => MinorUnits == 0;

    public bool IsPositive => MinorUnits > 0;

    public bool IsNegative => MinorUnits < 0;

    public static Money Sats(long sats) => new(sats, Currency.Btc);

    public static Money Cents(long cents) => new(cents, Currency.Usd);

    public static Money Zero(Currency currency) => new(0, currency);

    public static Money operator +(Money left, Money right) =>
        new(checked(left.MinorUnits + right.MinorUnits), CommonCurrency(left, right));

    public static Money operator -(Money left, Money right) =>
        new(checked(left.MinorUnits - right.MinorUnits), CommonCurrency(left, right));

    // -long.MinValue does not exist; checked negation throws instead of returning long.MinValue again.
    public static Money operator -(Money value) => new(checked(-value.MinorUnits), value.Currency);

    public Money Add(Money other) => this + other;

    public Money Subtract(Money other) => this - other;

    public Money Negate() => -this;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{MinorUnits} {SupportedCurrency.MinorUnit(Currency)}");

    private static Currency CommonCurrency(Money left, Money right) =>
        left.Currency == right.Currency
            ? left.Currency
            : throw new InvalidOperationException($"Cannot combine {left} with {right}: the currencies differ.");
}
