namespace Glint.Ledger;

/// <summary>An entry needs at least two postings: money always comes from somewhere and goes somewhere.</summary>
public sealed record TooFewPostings(int Count) : LedgerFailure
{
    public override string Message => $"An entry needs at least two postings, not {Count}.";
}
