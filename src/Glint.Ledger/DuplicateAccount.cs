namespace Glint.Ledger;

/// <summary>
/// An entry posts twice to one account. Every movement touches each account once, so a repeat is a bug, and forbidding
/// it means a wallet's balance check looks at one posting, whatever the order of the postings.
/// </summary>
public sealed record DuplicateAccount(LedgerAccount Account) : LedgerFailure
{
    public override string Message => $"The entry posts to {Account.Id} more than once.";
}
