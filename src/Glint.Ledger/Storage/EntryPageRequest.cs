namespace Glint.Ledger.Storage;

/// <summary>Which page of a history to read: up to <see cref="Limit"/> entries past <see cref="Cursor"/> in <see cref="Direction"/>.</summary>
public sealed record EntryPageRequest
{
    /// <summary>Blink's limit on a transactions connection page.</summary>
    public const int MaxLimit = 100;

    public EntryPageRequest(int limit, EntryCursor? cursor = null, PageDirection direction = PageDirection.Older)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown page direction.");
        }

        Limit = limit;
        Cursor = cursor;
        Direction = direction;
    }

    public int Limit { get; }

    /// <summary>The entry to start after (not included); null to start at the newest or the oldest end.</summary>
    public EntryCursor? Cursor { get; }

    public PageDirection Direction { get; }
}
