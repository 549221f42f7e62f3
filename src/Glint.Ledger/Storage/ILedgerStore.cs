namespace Glint.Ledger.Storage;

/// <summary>
/// Where the ledger lives: the seam the wallet's database writer (<c>Glint.Wallets.Journal.WalletLedger</c>, on SQLite
/// and PostgreSQL) implements and payments go through. It is shaped by what the wallet does (pay, show a balance), not
/// by tables. Every implementation keeps these promises under any concurrency, across processes sharing one database:
/// <list type="bullet">
/// <item>an append is atomic: all postings and balance changes of an entry land, or none;</item>
/// <item>no wallet ever goes negative, and no update is lost (two payments out of one wallet cannot both read the same
/// balance and both succeed);</item>
/// <item>an idempotency key is used by at most one entry per initiator;</item>
/// <item>entries are never updated or deleted;</item>
/// <item>only wallets the store holds can be posted to (a wallet is opened before anything posts to it).</item>
/// </list>
/// <see cref="LedgerInvariants.Verify(IEnumerable{JournalEntry}, IReadOnlyDictionary{string, Money})"/> checks the
/// result from outside.
/// </summary>
public interface ILedgerStore
{
    /// <summary>
    /// Appends the entry of <paramref name="append"/>, judged against the current balances exactly as
    /// <see cref="Balances.Apply"/> judges it, and refused with <see cref="UnknownWallet"/> when it posts to a wallet the
    /// store does not hold. When the initiator already used the entry's idempotency key, nothing is written and the
    /// first entry with that key is returned as a replay, whatever this entry says and even if the balances would now
    /// refuse it: a client that retries gets the first result and never pays twice. A refused entry writes nothing
    /// and does not use up its key, so the same key may succeed later. Appending an entry id that already exists is a
    /// bug and throws. The append's notifications are published once the entry is durable, and only if it was
    /// appended (not on a replay or a refusal).
    /// </summary>
    Task<LedgerResult<AppendOutcome>> AppendAsync(LedgerAppend append, CancellationToken cancellationToken);

    /// <summary>The balance of a wallet account; zero when nothing was ever posted to it.</summary>
    Task<Money> GetBalanceAsync(LedgerAccount wallet, CancellationToken cancellationToken);
}
