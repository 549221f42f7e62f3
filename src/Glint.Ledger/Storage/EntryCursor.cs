namespace Glint.Ledger.Storage;

/// <summary>
/// The position of an entry in a history: entries are ordered by <see cref="Timestamp"/>, then by
/// <see cref="EntryId"/> to break ties, both descending (newest first). The id order is the store's own, but it must be
/// the same on every call. Both values come from the entry itself, so a cursor stays valid however many entries arrive.
/// </summary>
public readonly record struct EntryCursor(DateTimeOffset Timestamp, Guid EntryId)
{
    public static EntryCursor For(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new EntryCursor(entry.Timestamp, entry.Id);
    }
}
