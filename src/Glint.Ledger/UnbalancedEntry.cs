namespace Glint.Ledger;

/// <summary>
/// The postings of an entry do not sum to zero in <paramref name="Currency"/>, so money would appear or vanish.
/// The sum is an <see cref="Int128"/> because the postings of a corrupted entry may add up beyond a <c>long</c>.
/// </summary>
public sealed record UnbalancedEntry(Currency Currency, Int128 Sum) : LedgerFailure
{
    public override string Message => $"The {Currency} postings sum to {Sum}, not zero.";
}
