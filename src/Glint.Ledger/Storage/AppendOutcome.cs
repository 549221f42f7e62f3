namespace Glint.Ledger.Storage;

/// <summary>The entry that now stands for the request; <paramref name="Replayed"/> when an earlier entry had the same idempotency key.</summary>
public sealed record AppendOutcome(JournalEntry Entry, bool Replayed);
