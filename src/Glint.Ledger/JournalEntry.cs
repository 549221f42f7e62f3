using System.Collections.Immutable;

namespace Glint.Ledger;

/// <summary>
/// One movement of money: a header and postings that sum to zero in each currency. Entries are append-only; nothing
/// about one changes once it is built (the postings are copied into an immutable array), and a correction is a new entry.
/// </summary>
public sealed class JournalEntry
{
    private JournalEntry(EntryHeader header, JournalEntryKind kind, ImmutableArray<Posting> postings)
    {
        Header = header;
        Kind = kind;
        Postings = postings;
    }

    public EntryHeader Header { get; }

    public Guid Id => Header.Id;

    public DateTimeOffset Timestamp => Header.Timestamp;

    public string? IdempotencyKey => Header.IdempotencyKey;

    public string? Memo => Header.Memo;

    public JournalEntryKind Kind { get; }

    public ImmutableArray<Posting> Postings { get; }

    /// <summary>
    /// Builds an entry, or says which rule it breaks: at least two postings, each in its account's currency, non-zero,
    /// within <see cref="AmountLimits.MaxMinorUnits"/>, one per account, and summing to zero per currency.
    /// Prefer the builders in <see cref="Movements"/>, which also check what a payment or a credit needs.
    /// </summary>
    public static LedgerResult<JournalEntry> Create(EntryHeader header, JournalEntryKind kind, IEnumerable<Posting> postings)
    {
        var entry = Restore(header, kind, postings);
        if (JournalEntryRules.FindViolation(entry.Postings) is { } failure)
        {
            return failure;
        }

        return entry;
    }

    /// <summary>
    /// Rebuilds an entry read back from storage without judging it. <c>glint ledger verify</c> must be able to load a
    /// corrupted row and report it, rather than stop at the first one it cannot build. An entry made this way is still
    /// judged again before it can move money: <see cref="Balances.Apply"/> (and so every store's append) refuses one
    /// that breaks the rules. New entries go through <see cref="Create"/>.
    /// </summary>
    public static JournalEntry Restore(EntryHeader header, JournalEntryKind kind, IEnumerable<Posting> postings)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(postings);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown kind of journal entry.");
        }

        var copy = postings.ToImmutableArray();
        if (copy.Any(posting => posting is null))
        {
            throw new ArgumentException("A posting is missing.", nameof(postings));
        }

        return new JournalEntry(header, kind, copy);
    }

    /// <summary>
    /// The first entry rule this entry breaks, or null: a store judges an entry read back or restored with it before
    /// writing, as <see cref="Balances.Apply"/> does.
    /// </summary>
    public LedgerFailure? FindBrokenRule() => JournalEntryRules.FindViolation(Postings);

    /// <summary>The posting on <paramref name="account"/>, or null when the entry does not touch it.</summary>
    public Posting? PostingFor(LedgerAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return Postings.FirstOrDefault(posting => posting.Account.Id == account.Id);
    }

    public override string ToString() => $"{Kind} {Id}: {string.Join(", ", Postings)}";
}
