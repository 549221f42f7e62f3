namespace Glint.Ledger;

/// <summary>
/// Recomputes the ledger from its entries and reports every broken invariant; <c>glint ledger verify</c> calls it.
/// It reports rather than refuses: it reads what is stored, however wrong, and keeps going to list everything. Sums are
/// <see cref="Int128"/>, so even corrupted amounts cannot overflow it.
/// </summary>
public static class LedgerInvariants
{
    /// <summary>Checks <paramref name="entries"/>, which must come in the order they were appended.</summary>
    public static LedgerVerification Verify(IEnumerable<JournalEntry> entries) => Verify(entries, recordedBalances: null);

    /// <summary>
    /// As <see cref="Verify(IEnumerable{JournalEntry})"/>, and also compares the balances a store keeps (by account id)
    /// with the sums of the postings: a difference means an update was lost or applied twice. An account missing from
    /// <paramref name="recordedBalances"/> counts as holding zero.
    /// </summary>
    public static LedgerVerification Verify(IEnumerable<JournalEntry> entries, IReadOnlyDictionary<string, Money>? recordedBalances)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var violations = new List<InvariantViolation>();
        var balances = new Dictionary<string, (LedgerAccount Account, Int128 Balance)>(StringComparer.Ordinal);
        var currencySums = new Dictionary<Currency, Int128>();
        var entryIds = new HashSet<Guid>();
        var firstEntryByKey = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var entryCount = 0;

        foreach (var entry in entries)
        {
            entryCount++;
            if (!entryIds.Add(entry.Id))
            {
                violations.Add(new InvariantViolation(ViolationKind.DuplicateEntryId, $"Entry {entry.Id} appears more than once.", entry.Id));
            }

            if (entry.IdempotencyKey is { } key && !firstEntryByKey.TryAdd(key, entry.Id))
            {
                violations.Add(new InvariantViolation(ViolationKind.DuplicateIdempotencyKey,
                    $"Entry {entry.Id} reuses idempotency key '{key}' of entry {firstEntryByKey[key]}.", entry.Id));
            }

            if (JournalEntryRules.FindViolation(entry.Postings) is { } broken)
            {
                violations.Add(new InvariantViolation(ViolationKind.InvalidEntry, $"Entry {entry.Id}: {broken.Message}", entry.Id));
            }

            // Every posting counts, even those of an invalid entry: that is what the stored data says happened, and
            // the per-currency sums below must show the damage.
            foreach (var posting in entry.Postings)
            {
                var amount = posting.Amount;
                currencySums[amount.Currency] = currencySums.GetValueOrDefault(amount.Currency) + amount.MinorUnits;
                var (account, balance) = balances.TryGetValue(posting.Account.Id, out var known) ? known : (posting.Account, Int128.Zero);
                balances[account.Id] = (account, balance + amount.MinorUnits);
            }

            // Checked after the whole entry: only its net effect on a wallet matters, not the order of its postings.
            foreach (var id in entry.Postings.Select(posting => posting.Account.Id).Distinct(StringComparer.Ordinal))
            {
                var (account, balance) = balances[id];
                if (account.IsWallet && balance < 0)
                {
                    violations.Add(new InvariantViolation(ViolationKind.NegativeWallet,
                        $"{account.Id} is at {balance} {SupportedCurrency.MinorUnit(account.Currency)} after entry {entry.Id}.", entry.Id, account.Id));
                }
            }
        }

        foreach (var (currency, sum) in currencySums.OrderBy(pair => pair.Key))
        {
            if (sum != 0)
            {
                violations.Add(new InvariantViolation(ViolationKind.CurrencySumNotZero,
                    $"All {currency} postings sum to {sum}, not zero."));
            }
        }

        if (recordedBalances is not null)
        {
            CompareRecordedBalances(recordedBalances, balances, violations);
        }

        return new LedgerVerification(entryCount, violations);
    }

    private static void CompareRecordedBalances(
        IReadOnlyDictionary<string, Money> recorded,
        Dictionary<string, (LedgerAccount Account, Int128 Balance)> recomputed,
        List<InvariantViolation> violations)
    {
        foreach (var id in recorded.Keys.Union(recomputed.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var hasRecord = recorded.TryGetValue(id, out var stored);
            var hasPostings = recomputed.TryGetValue(id, out var computed);
            if (!hasRecord && hasPostings && !computed.Account.IsWallet)
            {
                // Operator accounts keep no stored balance: their postings alone are their balance.
                continue;
            }

            var storedUnits = hasRecord ? stored.MinorUnits : 0;
            var computedUnits = hasPostings ? computed.Balance : Int128.Zero;
            var wrongCurrency = hasRecord && hasPostings && stored.Currency != computed.Account.Currency;
            if (storedUnits != computedUnits || wrongCurrency)
            {
                var recordedText = hasRecord ? stored.ToString() : "nothing";
                var computedText = hasPostings ? $"{computed.Balance} {SupportedCurrency.MinorUnit(computed.Account.Currency)}" : "no postings";
                violations.Add(new InvariantViolation(ViolationKind.BalanceMismatch,
                    $"{id} is recorded as {recordedText} but its postings sum to {computedText}.", AccountId: id));
            }
        }
    }
}
