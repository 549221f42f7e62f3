using Glint.Data;
using Glint.Data.Wallets;
using Glint.Ledger;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallet.Ledger;

public enum AppendStatus
{
    Appended,

    /// <summary>The idempotency key was used before: nothing moved, the first entry stands.</summary>
    Replayed,

    InsufficientBalance,

    WalletNotFound,

    /// <summary>The claim that had to hold with the entry (an invoice still unpaid) did not: nothing moved.</summary>
    ClaimRefused,
}

public sealed record AppendResult(AppendStatus Status, Guid EntryId);

/// <summary>
/// Appends validated journal entries to the database. Each entry is one transaction: every wallet balance moves by a
/// conditional update that refuses to go below zero (so concurrent payments can neither overdraw nor lose an update),
/// then the entry and its postings are inserted. Wallet rows are updated in id order so that two opposite payments
/// cannot deadlock. An idempotency key is unique per initiating account: a retry finds the first entry.
/// An optional claim runs first in the same transaction (marking an invoice paid): when it does not hold, nothing
/// moves, and when the money cannot move, the claim is undone with it.
/// </summary>
public sealed class WalletLedger(GlintDbContext db)
{
    public async Task<AppendResult> AppendAsync(
        JournalEntry entry, Guid? initiatorAccountId, EntryDetails details, CancellationToken cancellationToken,
        Func<CancellationToken, Task<bool>>? claim = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.IdempotencyKey is { } key && await FindByKeyAsync(initiatorAccountId, key, cancellationToken) is { } first)
        {
            return new AppendResult(AppendStatus.Replayed, first);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // A failed save rolls the whole transaction back below, so EF's savepoint around SaveChanges would only cost
        // two round trips per payment. The pooled context gets the setting back when it returns to the pool.
        db.Database.AutoSavepointsEnabled = false;
        if (claim is not null && !await claim(cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new AppendResult(AppendStatus.ClaimRefused, entry.Id);
        }

        foreach (var posting in entry.Postings.Where(p => p.Account.IsWallet).OrderBy(p => p.Account.WalletId))
        {
            var walletId = posting.Account.WalletId!.Value;
            var currency = CurrencyCodes.Of(posting.Amount.Currency);
            var amount = posting.Amount.MinorUnits;
            var moved = await db.Wallets
                .Where(wallet => wallet.Id == walletId && wallet.Currency == currency && wallet.Balance + amount >= 0)
                .ExecuteUpdateAsync(set => set.SetProperty(wallet => wallet.Balance, wallet => wallet.Balance + amount), cancellationToken);
            if (moved == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                var exists = await db.Wallets.AnyAsync(wallet => wallet.Id == walletId && wallet.Currency == currency, cancellationToken);
                return new AppendResult(exists ? AppendStatus.InsufficientBalance : AppendStatus.WalletNotFound, entry.Id);
            }
        }

        db.JournalEntries.Add(Record(entry, initiatorAccountId, details));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new AppendResult(AppendStatus.Appended, entry.Id);
        }
        catch (DbUpdateException) when (entry.IdempotencyKey is not null)
        {
            // A concurrent retry with the same key committed first; this transaction's balance moves roll back.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var winner = await FindByKeyAsync(initiatorAccountId, entry.IdempotencyKey, cancellationToken);
            return winner is { } id ? new AppendResult(AppendStatus.Replayed, id) : throw new InvalidOperationException("The entry could not be appended.");
        }
    }

    private Task<Guid?> FindByKeyAsync(Guid? initiatorAccountId, string key, CancellationToken cancellationToken) =>
        db.JournalEntries.AsNoTracking()
            .Where(entry => entry.InitiatorAccountId == initiatorAccountId && entry.IdempotencyKey == key)
            .Select(entry => (Guid?)entry.Id)
            .FirstOrDefaultAsync(cancellationToken);

    private static JournalEntryRecord Record(JournalEntry entry, Guid? initiatorAccountId, EntryDetails details) => new()
    {
        Id = entry.Id,
        Kind = EntryKinds.Of(entry.Kind),
        IdempotencyKey = entry.IdempotencyKey,
        InitiatorAccountId = initiatorAccountId,
        Memo = entry.Memo,
        Details = details.Serialize(),
        CreatedAt = entry.Timestamp,
        Postings = [.. entry.Postings.Select(posting => new PostingRecord
        {
            EntryId = entry.Id,
            LedgerAccount = posting.Account.Id,
            WalletId = posting.Account.WalletId,
            Currency = CurrencyCodes.Of(posting.Amount.Currency),
            Amount = posting.Amount.MinorUnits,
            CreatedAt = entry.Timestamp,
        })],
    };
}
