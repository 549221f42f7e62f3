using Glint.Ledger.Storage;

namespace Glint.Ledger.Tests.Storage;

/// <summary>
/// The smallest store that keeps <see cref="ILedgerStore"/>'s promises: one lock makes each append atomic and
/// serialises the idempotency check with the write, which is what the EF Core store gets from a database transaction.
/// </summary>
internal sealed class InMemoryLedgerStore : ILedgerStore
{
    private readonly Lock _gate = new();
    private readonly List<JournalEntry> _entries = [];
    private readonly Dictionary<string, JournalEntry> _byIdempotencyKey = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _entryIds = [];
    private Balances _balances = Balances.Empty;

    /// <summary>Every entry, in append order.</summary>
    public IReadOnlyList<JournalEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The materialised balances, as <see cref="LedgerInvariants"/> compares them with the postings.</summary>
    public IReadOnlyDictionary<string, Money> RecordedBalances
    {
        get
        {
            lock (_gate)
            {
                return _balances.Accounts.ToDictionary(held => held.Account.Id, held => held.Balance, StringComparer.Ordinal);
            }
        }
    }

    public Task<LedgerResult<AppendOutcome>> AppendAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (entry.IdempotencyKey is { } key && _byIdempotencyKey.TryGetValue(key, out var first))
            {
                return Task.FromResult<LedgerResult<AppendOutcome>>(new AppendOutcome(first, Replayed: true));
            }

            if (_entryIds.Contains(entry.Id))
            {
                throw new InvalidOperationException($"Entry {entry.Id} was already appended.");
            }

            var applied = _balances.Apply(entry);
            if (!applied.IsSuccess)
            {
                return Task.FromResult<LedgerResult<AppendOutcome>>(applied.Failure);
            }

            _balances = applied.Value;
            _entries.Add(entry);
            _entryIds.Add(entry.Id);
            if (entry.IdempotencyKey is { } newKey)
            {
                _byIdempotencyKey.Add(newKey, entry);
            }

            return Task.FromResult<LedgerResult<AppendOutcome>>(new AppendOutcome(entry, Replayed: false));
        }
    }

    public Task<Money> GetBalanceAsync(LedgerAccount wallet, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_balances.BalanceOf(wallet));
        }
    }

    public Task<EntryPage> ListEntriesAsync(
        IReadOnlyCollection<LedgerAccount> wallets, EntryPageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wallets);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var accountIds = wallets.Select(wallet => wallet.Id).ToHashSet(StringComparer.Ordinal);
        JournalEntry[] matching;
        lock (_gate)
        {
            matching = [.. _entries.Where(entry => entry.Postings.Any(posting => accountIds.Contains(posting.Account.Id)))];
        }

        // Newest first: by timestamp, then by id, both descending.
        var newestFirst = matching.OrderByDescending(entry => entry.Timestamp).ThenByDescending(entry => entry.Id);
        var cursor = request.Cursor;
        var candidates = request.Direction == PageDirection.Older
            ? newestFirst.Where(entry => cursor is null || Compare(EntryCursor.For(entry), cursor.Value) < 0)
            : newestFirst.Reverse().Where(entry => cursor is null || Compare(EntryCursor.For(entry), cursor.Value) > 0);
        var page = candidates.Take(request.Limit + 1).ToList();
        var hasMore = page.Count > request.Limit;
        page = [.. page.Take(request.Limit)];
        if (request.Direction == PageDirection.Newer)
        {
            page.Reverse();
        }

        return Task.FromResult(new EntryPage(page, hasMore));
    }

    /// <summary>Positive when <paramref name="left"/> is newer.</summary>
    private static int Compare(EntryCursor left, EntryCursor right)
    {
        var byTime = left.Timestamp.CompareTo(right.Timestamp);
        return byTime != 0 ? byTime : left.EntryId.CompareTo(right.EntryId);
    }
}
