namespace Glint.Ledger;

/// <summary>What <see cref="LedgerInvariants.Verify(IEnumerable{JournalEntry})"/> found.</summary>
public sealed class LedgerVerification
{
    internal LedgerVerification(int entryCount, IReadOnlyList<InvariantViolation> violations)
    {
        EntryCount = entryCount;
        Violations = violations;
    }

    public int EntryCount { get; }

    /// <summary>In the order they were found: entry by entry, then the per-currency sums, then the recorded balances.</summary>
    public IReadOnlyList<InvariantViolation> Violations { get; }

    public bool IsValid => Violations.Count == 0;
}
