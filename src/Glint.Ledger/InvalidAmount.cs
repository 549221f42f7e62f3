namespace Glint.Ledger;

/// <summary>An amount that no movement may carry.</summary>
public sealed record InvalidAmount(Money Amount, InvalidAmountReason Reason) : LedgerFailure
{
    public override string Message => Reason switch
    {
        InvalidAmountReason.Zero => "The amount is zero.",
        InvalidAmountReason.Negative => $"The amount {Amount} is negative.",
        InvalidAmountReason.TooLarge => $"The amount {Amount} is above the ledger's limit of {AmountLimits.MaxMinorUnits} minor units.",
        InvalidAmountReason.RoundsToZero => $"The amount {Amount} converts to less than one minor unit of the other currency.",
        _ => $"The amount {Amount} is invalid.",
    };
}
