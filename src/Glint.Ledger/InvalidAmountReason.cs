namespace Glint.Ledger;

public enum InvalidAmountReason
{
    Zero = 1,
    Negative = 2,

    /// <summary>Above <see cref="AmountLimits.MaxMinorUnits"/>, before or after conversion.</summary>
    TooLarge = 3,

    /// <summary>A cross-currency payment so small that the receiver's amount rounds down to nothing.</summary>
    RoundsToZero = 4,
}
