namespace Glint.Ledger;

/// <summary>
/// One line of a journal entry: a signed amount on one account, positive into it and negative out of it. A posting is
/// not judged alone; <see cref="JournalEntry.Create"/> checks the postings of an entry together.
/// </summary>
public sealed record Posting
{
    public Posting(LedgerAccount account, Money amount)
    {
        ArgumentNullException.ThrowIfNull(account);
        Account = account;
        Amount = amount;
    }

    public LedgerAccount Account { get; }

    public Money Amount { get; }

    public override string ToString() => $"{Account.Id} {Amount}";
}
