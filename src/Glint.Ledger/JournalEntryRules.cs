namespace Glint.Ledger;

/// <summary>
/// The rules every entry obeys, in one place: <see cref="JournalEntry.Create"/> refuses to build an entry that breaks
/// them, <see cref="Balances.Apply"/> refuses to apply one, and <see cref="LedgerInvariants"/> reports stored ones.
/// </summary>
internal static class JournalEntryRules
{
    /// <summary>The first broken rule, or null when the postings form a valid entry.</summary>
    public static LedgerFailure? FindViolation(IReadOnlyList<Posting> postings)
    {
        if (postings.Count < 2)
        {
            return new TooFewPostings(postings.Count);
        }

        var accounts = new HashSet<string>(StringComparer.Ordinal);
        var sums = new Dictionary<Currency, Int128>();
        foreach (var posting in postings)
        {
            var amount = posting.Amount;
            if (amount.Currency != posting.Account.Currency)
            {
                return new CurrencyMismatch(posting.Account, posting.Account.Currency, amount.Currency);
            }

            if (amount.IsZero)
            {
                return new InvalidAmount(amount, InvalidAmountReason.Zero);
            }

            if (amount.MinorUnits is > AmountLimits.MaxMinorUnits or < -AmountLimits.MaxMinorUnits)
            {
                return new InvalidAmount(amount, InvalidAmountReason.TooLarge);
            }

            if (!accounts.Add(posting.Account.Id))
            {
                return new DuplicateAccount(posting.Account);
            }

            // Int128, so that summing never overflows and an unbalanced entry is reported rather than thrown.
            sums[amount.Currency] = sums.GetValueOrDefault(amount.Currency) + amount.MinorUnits;
        }

        foreach (var currency in Enum.GetValues<Currency>())
        {
            if (sums.GetValueOrDefault(currency) is var sum && sum != 0)
            {
                return new UnbalancedEntry(currency, sum);
            }
        }

        return null;
    }
}
