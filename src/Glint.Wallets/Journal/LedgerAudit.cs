using Glint.Data;
using Glint.Ledger;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Journal;

/// <summary>
/// <c>glint ledger verify</c>: replays every stored entry in the order it was written and checks the ledger's
/// invariants (balanced entries, no wallet ever negative, every currency summing to zero) and that each wallet's
/// stored balance equals the sum of its postings.
/// </summary>
public sealed class LedgerAudit(GlintDbContext db)
{
    public async Task<LedgerVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var entries = await db.JournalEntries.AsNoTracking()
            .Select(entry => new { entry.Id, entry.Kind, entry.IdempotencyKey, entry.InitiatorAccountId, entry.Memo, entry.CreatedAt })
            .ToDictionaryAsync(entry => entry.Id, cancellationToken);
        var postings = await db.Postings.AsNoTracking().OrderBy(posting => posting.Id).ToListAsync(cancellationToken);

        var ordered = new List<JournalEntry>(entries.Count);
        foreach (var group in postings.GroupBy(posting => posting.EntryId))
        {
            var entry = entries[group.Key];
            ordered.Add(JournalEntry.Restore(
                new EntryHeader(entry.Id, entry.CreatedAt, ScopedKey(entry.InitiatorAccountId, entry.IdempotencyKey), entry.Memo),
                EntryKinds.Parse(entry.Kind),
                group.Select(Restore)));
        }

        var recorded = await db.Wallets.AsNoTracking().ToListAsync(cancellationToken);
        var balances = recorded.ToDictionary(
            wallet => CurrencyCodes.WalletAccount(wallet).Id,
            wallet => new Money(wallet.Balance, CurrencyCodes.Parse(wallet.Currency)),
            StringComparer.Ordinal);
        return LedgerInvariants.Verify(ordered, balances);
    }

    /// <summary>Keys are unique per initiating account, so the invariants judge them within that scope.</summary>
    private static string? ScopedKey(Guid? initiator, string? key) => key is null ? null : $"{initiator?.ToString("N") ?? "operator"}/{key}";

    /// <summary>A stored posting as the ledger knows it.</summary>
    internal static Posting Restore(Data.Wallets.PostingRecord posting) =>
        new(Account(posting.LedgerAccount, posting.WalletId, posting.Currency), new Money(posting.Amount, CurrencyCodes.Parse(posting.Currency)));

    private static LedgerAccount Account(string id, Guid? walletId, string currency) =>
        walletId is { } wallet ? LedgerAccount.Wallet(wallet, CurrencyCodes.Parse(currency))
        : id.StartsWith("operator:conversion:", StringComparison.Ordinal) ? LedgerAccount.Conversion(CurrencyCodes.Parse(currency))
        : LedgerAccount.Funding(CurrencyCodes.Parse(currency));
}
