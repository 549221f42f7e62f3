namespace Glint.Ledger;

/// <summary>Guards against enum values cast from numbers that name no currency.</summary>
internal static class SupportedCurrency
{
    public static Currency Ensure(Currency currency, string parameterName) =>
        Enum.IsDefined(currency)
            ? currency
            : throw new ArgumentOutOfRangeException(parameterName, currency, "The ledger holds only BTC (sats) and USD (cents).");

    /// <summary>The upper-case code used in account ids; it is persisted, so it never changes.</summary>
    public static string Code(Currency currency) => currency switch
    {
        Currency.Btc => "BTC",
        Currency.Usd => "USD",
        _ => throw new ArgumentOutOfRangeException(nameof(currency), currency, "The ledger holds only BTC (sats) and USD (cents)."),
    };

    /// <summary>The name of the minor unit, for messages.</summary>
    public static string MinorUnit(Currency currency) => currency switch
    {
        Currency.Btc => "sats",
        Currency.Usd => "cents",
        _ => "(no currency)",
    };

    public static Currency Other(Currency currency) => currency switch
    {
        Currency.Btc => Currency.Usd,
        Currency.Usd => Currency.Btc,
        _ => throw new ArgumentOutOfRangeException(nameof(currency), currency, "The ledger holds only BTC (sats) and USD (cents)."),
    };
}
