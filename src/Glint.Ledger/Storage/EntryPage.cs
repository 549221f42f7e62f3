namespace Glint.Ledger.Storage;

/// <summary>Entries newest first; <paramref name="HasMore"/> when more entries lie beyond this page in the direction read.</summary>
public sealed record EntryPage(IReadOnlyList<JournalEntry> Entries, bool HasMore);
