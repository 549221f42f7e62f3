namespace Glint.Data.Wallets;

/// <summary>One balanced movement of money, appended once and never changed.</summary>
public sealed class JournalEntryRecord
{
    public Guid Id { get; set; }

    /// <summary>What made the movement: credit, intra_ledger, conversion, ….</summary>
    public required string Kind { get; set; }

    /// <summary>The caller's idempotency key, unique per initiating account: a retry finds the first entry.</summary>
    public string? IdempotencyKey { get; set; }

    public Guid? InitiatorAccountId { get; set; }

    public string? Memo { get; set; }

    /// <summary>The settlement details the API shows (price, counterparties), as JSON.</summary>
    public string Details { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }

    public List<PostingRecord> Postings { get; set; } = [];
}

/// <summary>A line of a journal entry. Wallet postings name their wallet; operator postings only their ledger account.</summary>
public sealed class PostingRecord
{
    /// <summary>Increasing with insertion: wallet history pages by it (keyset pagination).</summary>
    public long Id { get; set; }

    public Guid EntryId { get; set; }

    public required string LedgerAccount { get; set; }

    public Guid? WalletId { get; set; }

    public required string Currency { get; set; }

    public long Amount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
