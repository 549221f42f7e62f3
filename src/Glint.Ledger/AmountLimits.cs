namespace Glint.Ledger;

/// <summary>The ledger's own bound on a single amount; the wallet's account limits are far lower and live elsewhere.</summary>
public static class AmountLimits
{
    /// <summary>
    /// The largest amount a movement or a posting may carry, in minor units of either currency: 2.1 × 10^15, which is
    /// every bitcoin that will ever exist (21 million BTC) counted in sats. No real BTC payment can be larger, and as
    /// cents it is 21 trillion dollars, so anything above it is a unit mix-up (BTC typed as sats) or an attack.
    /// One number for both currencies keeps the rule easy to state. It sits about 4,390 times below
    /// <see cref="long.MaxValue"/>, so balances that add up thousands of maximal amounts still fit in a <c>long</c>, and
    /// checked arithmetic turns anything beyond that into an exception instead of a wrapped-around balance.
    /// </summary>
    public const long MaxMinorUnits = 21_000_000L * 100_000_000L;
}
