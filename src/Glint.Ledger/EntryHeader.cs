namespace Glint.Ledger;

/// <summary>
/// Everything about an entry except its postings. The caller supplies the id and the time (from its
/// <see cref="TimeProvider"/>), so the core stays pure and tests stay deterministic.
/// </summary>
public sealed record EntryHeader
{
    /// <summary>Long enough for a UUID scoped by an account id, short enough for an indexed column.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    public EntryHeader(Guid id, DateTimeOffset timestamp, string? idempotencyKey = null, string? memo = null)
    {
        if (id == Guid.Empty)
        {
            throw new ArgumentException("An entry needs an id.", nameof(id));
        }

        if (timestamp == default)
        {
            throw new ArgumentException("An entry needs the time it was made.", nameof(timestamp));
        }

        if (idempotencyKey is not null && (string.IsNullOrWhiteSpace(idempotencyKey) || idempotencyKey.Length > MaxIdempotencyKeyLength))
        {
            throw new ArgumentException(
                $"An idempotency key is either absent or 1 to {MaxIdempotencyKeyLength} characters, not blank.", nameof(idempotencyKey));
        }

        Id = id;
        Timestamp = timestamp;
        IdempotencyKey = idempotencyKey;
        Memo = memo;
    }

    public Guid Id { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>A retry with the same key returns the first entry instead of moving money twice (see <see cref="Storage.ILedgerStore"/>).</summary>
    public string? IdempotencyKey { get; }

    public string? Memo { get; }
}
