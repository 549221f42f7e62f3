using Glint.Ledger;
using Glint.Ledger.Storage;

namespace Glint.Server.Tests.Ledger;

/// <summary>
/// The reference model of <see cref="ILedgerStore"/>: the smallest store that keeps its promises, which the contract
/// runs against beside the database store. One lock makes each append atomic and serialises the idempotency check with
/// the write, which is what the database store gets from a transaction.
/// </summary>
internal sealed class InMemoryLedgerStore : ILedgerStore
{
    private readonly Lock _gate = new();
    private readonly List<JournalEntry> _entries = [];
    private readonly Dictionary<(Guid?, string), JournalEntry> _byIdempotencyKey = [];
    private readonly Dictionary<Guid, Guid?> _initiators = [];
    private readonly HashSet<LedgerAccount> _wallets = [];
    private readonly List<string> _published = [];
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

    /// <summary>
    /// Every entry with its key scoped by its initiator, as <c>glint ledger verify</c> judges the database's: keys are
    /// unique per initiator, while <see cref="LedgerInvariants"/> wants them unique.
    /// </summary>
    public IReadOnlyList<JournalEntry> EntriesWithScopedKeys
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Select(entry => entry.IdempotencyKey is null ? entry : JournalEntry.Restore(
                    new EntryHeader(entry.Id, entry.Timestamp, $"{_initiators[entry.Id]}/{entry.IdempotencyKey}", entry.Memo), entry.Kind, entry.Postings))];
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

    /// <summary>What subscribers heard, in order.</summary>
    public IReadOnlyList<string> Published
    {
        get
        {
            lock (_gate)
            {
                return [.. _published];
            }
        }
    }

    /// <summary>Opens a wallet, as opening an account does in the database.</summary>
    public LedgerAccount Open(LedgerAccount wallet)
    {
        lock (_gate)
        {
            _wallets.Add(wallet);
        }

        return wallet;
    }

    public Task<LedgerResult<AppendOutcome>> AppendAsync(LedgerAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        cancellationToken.ThrowIfCancellationRequested();
        var entry = append.Entry;
        lock (_gate)
        {
            if (entry.IdempotencyKey is { } key && _byIdempotencyKey.TryGetValue((append.Initiator, key), out var first))
            {
                return Task.FromResult<LedgerResult<AppendOutcome>>(new AppendOutcome(first, Replayed: true));
            }

            if (_initiators.ContainsKey(entry.Id))
            {
                throw new InvalidOperationException($"Entry {entry.Id} was already appended.");
            }

            if (entry.FindBrokenRule() is null && Unopened(entry) is { } unopened)
            {
                return Task.FromResult(unopened);
            }

            var applied = _balances.Apply(entry);
            if (!applied.IsSuccess)
            {
                return Task.FromResult<LedgerResult<AppendOutcome>>(applied.Failure);
            }

            _balances = applied.Value;
            _entries.Add(entry);
            _initiators.Add(entry.Id, append.Initiator);
            if (entry.IdempotencyKey is { } newKey)
            {
                _byIdempotencyKey.Add((append.Initiator, newKey), entry);
            }

            _published.AddRange(append.Notifications);
            return Task.FromResult<LedgerResult<AppendOutcome>>(new AppendOutcome(entry, Replayed: false));
        }
    }

    /// <summary>A wallet posting to a wallet never opened, or opened in the other currency; checked before the balances.</summary>
    private LedgerResult<AppendOutcome>? Unopened(JournalEntry entry)
    {
        foreach (var posting in entry.Postings.Where(posting => posting.Account.IsWallet && !_wallets.Contains(posting.Account)))
        {
            return _wallets.FirstOrDefault(wallet => wallet.WalletId == posting.Account.WalletId) is { } held
                ? new CurrencyMismatch(posting.Account, held.Currency, posting.Account.Currency)
                : new UnknownWallet(posting.Account);
        }

        return null;
    }

    public Task<Money> GetBalanceAsync(LedgerAccount wallet, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_balances.BalanceOf(wallet));
        }
    }
}
