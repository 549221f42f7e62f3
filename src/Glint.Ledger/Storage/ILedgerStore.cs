namespace Glint.Ledger.Storage;

/// <summary>
/// Where the ledger lives: the seam the EF Core store (SQLite and PostgreSQL) implements. It is shaped by what the
/// wallet does (pay, show a balance, page through history), not by tables. Every implementation keeps these promises
/// under any concurrency, across processes sharing one database:
/// <list type="bullet">
/// <item>an append is atomic: all postings and balance changes of an entry land, or none;</item>
/// <item>no wallet ever goes negative, and no update is lost (two payments out of one wallet cannot both read the same
/// balance and both succeed);</item>
/// <item>an idempotency key is used by at most one entry;</item>
/// <item>entries are never updated or deleted.</item>
/// </list>
/// <see cref="LedgerInvariants.Verify(IEnumerable{JournalEntry}, IReadOnlyDictionary{string, Money})"/> checks the
/// result from outside.
/// </summary>
public interface ILedgerStore
{
    /// <summary>
    /// Appends <paramref name="entry"/>, judged against the current balances exactly as <see cref="Balances.Apply"/>
    /// judges it. When the entry's idempotency key was already used, nothing is written and the first entry with that key
    /// is returned as a replay, whatever this entry says and even if the balances would now refuse it: a client that
    /// retries gets the first result and never pays twice. A refused entry writes nothing and does not use up its key,
    /// so the same key may succeed later. Appending an entry id that already exists is a bug and throws.
    /// </summary>
    Task<LedgerResult<AppendOutcome>> AppendAsync(JournalEntry entry, CancellationToken cancellationToken);

    /// <summary>The balance of a wallet account; zero when nothing was ever posted to it.</summary>
    Task<Money> GetBalanceAsync(LedgerAccount wallet, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the entries that post to any of <paramref name="wallets"/> (an account's transactions may span its
    /// BTC and USD wallets), newest first, ordered by <see cref="EntryCursor"/>. Pagination is by keyset, never by offset,
    /// so entries appended meanwhile neither shift nor repeat the pages already read.
    /// </summary>
    Task<EntryPage> ListEntriesAsync(
        IReadOnlyCollection<LedgerAccount> wallets, EntryPageRequest request, CancellationToken cancellationToken);
}
