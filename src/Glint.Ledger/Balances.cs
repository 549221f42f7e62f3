using System.Collections.Immutable;

namespace Glint.Ledger;

/// <summary>
/// Balances of ledger accounts, as an immutable value: applying an entry returns new balances and leaves these alone,
/// so a refused entry cannot leave half its postings behind. An account that has never been posted to holds zero.
/// </summary>
public sealed class Balances
{
    private readonly ImmutableDictionary<string, AccountBalance> _byAccountId;

    private Balances(ImmutableDictionary<string, AccountBalance> byAccountId) => _byAccountId = byAccountId;

    public static Balances Empty { get; } = new(ImmutableDictionary.Create<string, AccountBalance>(StringComparer.Ordinal));

    /// <summary>Every account with a recorded balance, in no particular order.</summary>
    public IEnumerable<AccountBalance> Accounts => _byAccountId.Values;

    public Money BalanceOf(LedgerAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!_byAccountId.TryGetValue(account.Id, out var known))
        {
            return Money.Zero(account.Currency);
        }

        return known.Account == account
            ? known.Balance
            : throw new InvalidOperationException($"{account.Id} holds {known.Account.Currency}, not {account.Currency}.");
    }

    /// <summary>
    /// Sets a balance as read from storage, without judging it: a store loads the current balances of the accounts an
    /// entry touches this way, then calls <see cref="Apply"/>.
    /// </summary>
    public Balances WithBalance(LedgerAccount account, Money balance)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (balance.Currency != account.Currency)
        {
            throw new ArgumentException($"{account.Id} holds {account.Currency}, not {balance.Currency}.", nameof(balance));
        }

        return new Balances(_byAccountId.SetItem(account.Id, new AccountBalance(account, balance)));
    }

    /// <summary>The sum of all balances in a currency; zero whenever only balanced entries were applied.</summary>
    public Int128 Total(Currency currency) =>
        _byAccountId.Values.Where(held => held.Balance.Currency == currency).Aggregate(Int128.Zero, (sum, held) => sum + held.Balance.MinorUnits);

    /// <summary>
    /// Applies <paramref name="entry"/> all at once, or refuses it: when it breaks an entry rule (see
    /// <see cref="JournalEntry.Create"/>), with <see cref="CurrencyMismatch"/> when it posts to a known account in
    /// another currency, and with <see cref="InsufficientBalance"/> when a debit would leave a wallet below zero.
    /// Operator accounts may go negative. Balances are added with checked arithmetic, so an overflow throws.
    /// </summary>
    public LedgerResult<Balances> Apply(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (JournalEntryRules.FindViolation(entry.Postings) is { } broken)
        {
            return broken;
        }

        // The entry rules allow one posting per account, so each balance is read before this entry touched it.
        var updated = _byAccountId.ToBuilder();
        foreach (var posting in entry.Postings)
        {
            var account = posting.Account;
            var before = Money.Zero(account.Currency);
            if (_byAccountId.TryGetValue(account.Id, out var known))
            {
                if (known.Account != account)
                {
                    return new CurrencyMismatch(account, known.Account.Currency, account.Currency);
                }

                before = known.Balance;
            }

            var after = before + posting.Amount;

            // Only a debit is refused: a credit to a wallet that is negative (which only a corrupted store can show)
            // moves it towards zero and must stay possible, or the hole could never be repaired.
            if (!account.MayGoNegative && posting.Amount.IsNegative && after.IsNegative)
            {
                return new InsufficientBalance(account, before, -posting.Amount);
            }

            updated[account.Id] = new AccountBalance(account, after);
        }

        return new Balances(updated.ToImmutable());
    }
}
