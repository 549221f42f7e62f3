namespace Glint.Ledger.Storage;

/// <summary>An entry to append, with what the store keeps and sends along with it.</summary>
public sealed record LedgerAppend(JournalEntry Entry)
{
    /// <summary>Who asked for the entry (a user's account); null for the operator. Idempotency keys are unique per initiator.</summary>
    public Guid? Initiator { get; init; }

    /// <summary>What the store keeps beside the entry, verbatim: the wallet's settlement details, as JSON.</summary>
    public string Details { get; init; } = "{}";

    /// <summary>Messages for every node's subscribers, published with the entry's commit and only if it was appended.</summary>
    public IReadOnlyList<string> Notifications { get; init; } = [];
}
