namespace Glint.Ledger;

/// <summary>
/// The only two currencies the ledger knows. Amounts are always whole minor units: sats for BTC, cents for USD.
/// Zero is deliberately not a currency, so a <c>default</c> <see cref="Money"/> is caught instead of passing for BTC.
/// </summary>
public enum Currency
{
    Btc = 1,
    Usd = 2,
}
