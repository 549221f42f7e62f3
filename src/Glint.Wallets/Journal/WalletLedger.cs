using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Glint.Data;
using Glint.Data.Notifications;
using Glint.Data.Wallets;
using Glint.Ledger;
using Glint.Ledger.Storage;
using Glint.Wallets.Callbacks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Glint.Wallets.Journal;

public enum AppendStatus
{
    Appended,

    /// <summary>The idempotency key was used before: nothing moved, the first entry stands.</summary>
    Replayed,

    InsufficientBalance,

    /// <summary>A wallet posted to does not exist, or holds another currency.</summary>
    WalletNotFound,

    /// <summary>The claim that had to hold with the entry (an invoice still unpaid) did not: nothing moved.</summary>
    ClaimRefused,

    /// <summary>The payer's account is not active (or not the user's), or the receiver's is not active: nothing moved.</summary>
    PayerRefused,
}

public sealed record AppendResult(AppendStatus Status, Guid EntryId);

/// <summary>An invoice the entry pays: still PENDING, it becomes PAID by the entry in the same transaction, or nothing is written.</summary>
public sealed record InvoiceClaim(string PaymentHash);

/// <summary>
/// A payment's check of its payer, made by the write itself instead of a read before it: the entry is written only
/// while its initiator is the account of <paramref name="UserId"/> and active and the receiver's account
/// (<paramref name="ReceiverAccountId"/>) is active too, and its details get both accounts' usernames as they hold
/// them at the write.
/// </summary>
public sealed record PayerCheck(Guid UserId, Guid ReceiverAccountId);

/// <summary>
/// The ledger in the database, the production <see cref="ILedgerStore"/>. An append is one transaction written without
/// EF Core's change tracking (see <see cref="EntryStatements"/>): on PostgreSQL one batch, so one round trip, its
/// notifications published once it has committed; on SQLite a savepoint in a transaction that the appends in flight share (<see cref="SqliteCommitGroups"/>). Balances move by updates that cannot go below zero, so
/// concurrent payments can neither overdraw nor lose an update. An idempotency key is unique per initiating account
/// (a unique index): a retry finds the first entry.
/// </summary>
public sealed partial class WalletLedger(
    GlintDbContext db, INotificationChannel channel, SqliteCommitGroups commitGroups, PostgresCommitGroups groups, CallbackOutbox callbacks,
    ILogger<WalletLedger> logger)
    : ILedgerStore
{
    private const string UniqueViolation = "23505";
    private const string ForeignKeyViolation = "23503";
    private const string NotNullViolation = "23502";
    private const string CheckViolation = "23514";

    /// <summary>Appends <paramref name="append"/> (and its <paramref name="claim"/>, if any) and says how it ended.</summary>
    public Task<AppendResult> AppendAsync(LedgerAppend append, InvoiceClaim? claim, CancellationToken cancellationToken) =>
        AppendAsync(append, claim, payer: null, cancellationToken);

    /// <summary>Appends a payment's <paramref name="append"/> only while its <paramref name="payer"/> holds, in the same write.</summary>
    public Task<AppendResult> AppendAsync(LedgerAppend append, PayerCheck payer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        ArgumentNullException.ThrowIfNull(payer);
        return append.Initiator is null
            ? throw new ArgumentException("A payer's check needs the paying account as the entry's initiator.", nameof(append))
            : AppendAsync(append, claim: null, payer, cancellationToken);
    }

    private async Task<AppendResult> AppendAsync(LedgerAppend append, InvoiceClaim? claim, PayerCheck? payer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        if (append.Entry.FindBrokenRule() is { } broken)
        {
            throw new ArgumentException("The entry breaks a ledger rule: " + broken.Message, nameof(append));
        }

        var statements = new EntryStatements(append, claim, payer);
        var queued = new StrongBox<bool>();
        var connection = db.Database.GetDbConnection();
        AppendResult result;
        var grouped = connection.CanCreateBatch
            ? await groups.RunAsync(
                new GroupedWrite(statements.Batched(), [.. statements.WalletPostings.Select(static posting => posting.Account.WalletId!.Value)], append.Notifications),
                cancellationToken)
            : default;
        if (grouped.Committed)
        {
            // Committed with the appends in flight, its notifications handed to the channel by the group.
            result = new AppendResult(AppendStatus.Appended, append.Entry.Id);
            queued.Value = grouped.Queued;
        }
        else if (connection.CanCreateBatch)
        {
            // Refused in its group: written alone, which says how it was refused (or appends it, if it no longer is).
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                result = await AppendInOneBatchAsync(
                    connection, append, statements, claim is not null, payer is not null, queued, cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        else
        {
            result = await commitGroups.RunAsync(connection,
                (writer, transaction, token) => AppendInTransactionAsync(writer, transaction, append, statements, claim is not null, payer is not null, queued, token),
                appended => appended.Status == AppendStatus.Appended, cancellationToken);
        }

        if (result.Status == AppendStatus.Appended && queued.Value)
        {
            callbacks.RaiseQueued();
        }

        // After the commit, never in the entry's transaction: on PostgreSQL a transaction that notifies holds a
        // database-wide lock until its commit is on disk, which would line the payments up one disk flush each.
        if (result.Status == AppendStatus.Appended && append.Notifications.Count > 0 && !grouped.Committed)
        {
            await PublishAsync(append.Notifications, cancellationToken);
        }

        return result;
    }

    async Task<LedgerResult<AppendOutcome>> ILedgerStore.AppendAsync(LedgerAppend append, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(append);
        if (append.Entry.FindBrokenRule() is { } broken)
        {
            return broken;
        }

        var result = await AppendAsync(append, claim: null, cancellationToken);
        return result.Status switch
        {
            AppendStatus.Appended => new AppendOutcome(append.Entry, Replayed: false),
            AppendStatus.Replayed => new AppendOutcome(await LoadEntryAsync(result.EntryId, cancellationToken), Replayed: true),
            AppendStatus.InsufficientBalance => await InsufficientBalanceAsync(append.Entry, cancellationToken),
            _ => await UnknownWalletAsync(append.Entry, cancellationToken),
        };
    }

    public async Task<Money> GetBalanceAsync(LedgerAccount wallet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var code = CurrencyCodes.Of(wallet.Currency);
        var balance = await db.Wallets.AsNoTracking()
            .Where(row => row.Id == wallet.WalletId && row.Currency == code)
            .Select(row => (long?)row.Balance)
            .FirstOrDefaultAsync(cancellationToken);
        return new Money(balance ?? 0, wallet.Currency);
    }

    /// <summary>
    /// PostgreSQL, an append its group refused: every statement in one batch, so one implicit transaction and one round
    /// trip; a refusal is an error that says which rule refused it. Rare, so its notifications follow in a round trip of
    /// their own, after the batch has committed.
    /// </summary>
    private async Task<AppendResult> AppendInOneBatchAsync(
        DbConnection connection, LedgerAppend append, EntryStatements statements, bool hasClaim, bool hasPayer,
        StrongBox<bool> queued, CancellationToken cancellationToken)
    {
        var entry = append.Entry;
        await using var batch = connection.CreateBatch();
        DbBatchCommand? deliveries = null;
        foreach (var statement in statements.Batched())
        {
            deliveries = PositionalStatements.Add(batch, statement);
        }

        try
        {
            // Prepared once per connection and statement shape; preparing again is free.
            await batch.PrepareAsync(cancellationToken);
            using (DatabaseTelemetry.Time(batch))
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            queued.Value = deliveries!.RecordsAffected > 0;
            return new AppendResult(AppendStatus.Appended, entry.Id);
        }
        catch (DbException refused) when (refused.SqlState is UniqueViolation && entry.IdempotencyKey is { } key)
        {
            // The key was used first (a concurrent retry waits on the unique index until the first commits).
            return await FindByKeyAsync(connection, null, append.Initiator, key, cancellationToken) is { } first
                ? new AppendResult(AppendStatus.Replayed, first)
                : throw new InvalidOperationException($"Entry {entry.Id} was already appended.", refused);
        }
        catch (DbException refused) when (refused.SqlState is UniqueViolation)
        {
            throw new InvalidOperationException($"Entry {entry.Id} was already appended.", refused);
        }
        catch (DbException refused) when (refused.SqlState is ForeignKeyViolation && hasClaim)
        {
            return new AppendResult(AppendStatus.ClaimRefused, entry.Id);
        }
        catch (DbException refused) when (refused.SqlState is ForeignKeyViolation && hasPayer)
        {
            return new AppendResult(AppendStatus.PayerRefused, entry.Id);
        }
        catch (DbException refused) when (refused.SqlState is NotNullViolation)
        {
            return new AppendResult(AppendStatus.WalletNotFound, entry.Id);
        }
        catch (DbException refused) when (refused.SqlState is CheckViolation)
        {
            // As on SQLite, a wallet that does not exist wins over a balance that is too low.
            return new AppendResult(
                await AllWalletsExistAsync(connection, null, statements, cancellationToken) ? AppendStatus.InsufficientBalance : AppendStatus.WalletNotFound,
                entry.Id);
        }
    }

    /// <summary>
    /// SQLite: runs inside the group's immediate transaction (the writer lock is taken first, so reads in it are
    /// current), in a savepoint of its own that is rolled back unless the entry was appended.
    /// </summary>
    private async Task<AppendResult> AppendInTransactionAsync(
        DbConnection connection, DbTransaction transaction, LedgerAppend append, EntryStatements statements, bool hasClaim, bool hasPayer,
        StrongBox<bool> queued, CancellationToken cancellationToken)
    {
        var entry = append.Entry;
        string? details = null;
        if (hasPayer)
        {
            // First, as on PostgreSQL, where a payer refused writes no entry and so cannot even find a replayed key.
            if (await PayerUsernamesAsync(connection, transaction, statements, cancellationToken) is not { } usernames)
            {
                return new AppendResult(AppendStatus.PayerRefused, entry.Id);
            }

            var completed = (append.Details is null ? new EntryDetails() : EntryDetails.Parse(append.Details))
                with { PayerUsername = usernames.Payer, ReceiverUsername = usernames.Receiver };
            details = completed.Serialize();
        }

        if (entry.IdempotencyKey is { } key && await FindByKeyAsync(connection, transaction, append.Initiator, key, cancellationToken) is { } first)
        {
            return new AppendResult(AppendStatus.Replayed, first);
        }

        if (hasClaim && await ExecuteAsync(connection, transaction, statements.ClaimInvoice(), cancellationToken) == 0)
        {
            return new AppendResult(AppendStatus.ClaimRefused, entry.Id);
        }

        foreach (var posting in statements.WalletPostings)
        {
            if (await ExecuteAsync(connection, transaction, statements.MoveBalance(posting, guarded: true), cancellationToken) == 0)
            {
                // A wallet that does not exist wins over a balance that is too low.
                return new AppendResult(
                    await AllWalletsExistAsync(connection, transaction, statements, cancellationToken) ? AppendStatus.InsufficientBalance : AppendStatus.WalletNotFound,
                    entry.Id);
            }
        }

        try
        {
            await ExecuteAsync(connection, transaction, statements.InsertEntry(withCondition: false, details), cancellationToken);
        }
        catch (DbException duplicate)
        {
            // The key was checked above under the writer lock, so only the entry id can clash.
            throw new InvalidOperationException($"Entry {entry.Id} was already appended.", duplicate);
        }

        await ExecuteAsync(connection, transaction, statements.InsertPostings(), cancellationToken);
        queued.Value = await ExecuteAsync(connection, transaction, statements.InsertCallbackDeliveries(), cancellationToken) > 0;
        return new AppendResult(AppendStatus.Appended, entry.Id);
    }

    /// <summary>Both usernames, or null when the payer's account is not the user's or either account is not active.</summary>
    private async Task<(string? Payer, string? Receiver)?> PayerUsernamesAsync(
        DbConnection connection, DbTransaction transaction, EntryStatements statements, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, statements.PayerUsernames());
        using var timing = DatabaseTelemetry.Time(command);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : null;
    }

    /// <summary>Read only after a refusal, to say which kind it was.</summary>
    private async Task<bool> AllWalletsExistAsync(DbConnection connection, DbTransaction? transaction, EntryStatements statements, CancellationToken cancellationToken)
    {
        foreach (var posting in statements.WalletPostings)
        {
            var count = await ScalarAsync(connection, transaction, EntryStatements.WalletExists(posting), cancellationToken);
            if (Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<Guid?> FindByKeyAsync(DbConnection connection, DbTransaction? transaction, Guid? initiator, string key, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, transaction, EntryStatements.FindByKey(initiator, key), cancellationToken) switch
        {
            null or DBNull => null,
            Guid id => id,
            var stored => Guid.Parse(Convert.ToString(stored, System.Globalization.CultureInfo.InvariantCulture)!),
        };

    private async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, statement);
        using var timing = DatabaseTelemetry.Time(command);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, SqlStatement statement, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, statement);
        using var timing = DatabaseTelemetry.Time(command);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private DbCommand Command(DbConnection connection, DbTransaction? transaction, SqlStatement statement)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Text;
        command.Transaction = transaction;
        foreach (var value in statement.Values)
        {
            // EF's own mapping of the column, converter included, so SQLite's ids and times are stored as EF stores them.
            command.Parameters.Add(MappingOf(value.Kind).CreateParameter(command, value.Name, value.Value));
        }

        return command;
    }

    private RelationalTypeMapping MappingOf(ValueKind kind) => kind switch
    {
        ValueKind.Id => db.Model.FindEntityType(typeof(Data.Wallets.Wallet))!.FindProperty(nameof(Data.Wallets.Wallet.Id))!.GetRelationalTypeMapping(),
        ValueKind.Time => db.Model.FindEntityType(typeof(JournalEntryRecord))!.FindProperty(nameof(JournalEntryRecord.CreatedAt))!.GetRelationalTypeMapping(),
        ValueKind.Text => db.Model.FindEntityType(typeof(JournalEntryRecord))!.FindProperty(nameof(JournalEntryRecord.Details))!.GetRelationalTypeMapping(),
        _ => db.Model.FindEntityType(typeof(Data.Wallets.Wallet))!.FindProperty(nameof(Data.Wallets.Wallet.Balance))!.GetRelationalTypeMapping(),
    };


    private async Task PublishAsync(IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        try
        {
            await channel.PublishAsync(messages, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A failure to notify never undoes or fails an appended entry: subscribers read the state themselves.
            LogPublishFailed(logger, messages.Count, exception);
        }
    }

    /// <summary>The first entry with a replayed key, as stored.</summary>
    private async Task<JournalEntry> LoadEntryAsync(Guid entryId, CancellationToken cancellationToken)
    {
        var stored = await db.JournalEntries.AsNoTracking().Include(entry => entry.Postings).SingleAsync(entry => entry.Id == entryId, cancellationToken);
        return JournalEntry.Restore(
            new EntryHeader(stored.Id, stored.CreatedAt, stored.IdempotencyKey, stored.Memo),
            EntryKinds.Parse(stored.Kind),
            stored.Postings.OrderBy(posting => posting.Id).Select(LedgerAudit.Restore));
    }

    /// <summary>Which debit could not be paid, read after the refusal (so the balance shown may have moved since).</summary>
    private async Task<LedgerFailure> InsufficientBalanceAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        var debits = entry.Postings.Where(posting => posting.Account.IsWallet && posting.Amount.IsNegative).ToList();
        foreach (var debit in debits)
        {
            var balance = await GetBalanceAsync(debit.Account, cancellationToken);
            if ((balance + debit.Amount).IsNegative)
            {
                return new InsufficientBalance(debit.Account, balance, -debit.Amount);
            }
        }

        var first = debits[0];
        return new InsufficientBalance(first.Account, await GetBalanceAsync(first.Account, cancellationToken), -first.Amount);
    }

    /// <summary>Which wallet posting named no wallet: a wallet held in another currency is a currency mismatch, as in memory.</summary>
    private async Task<LedgerFailure> UnknownWalletAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        foreach (var posting in entry.Postings.Where(posting => posting.Account.IsWallet))
        {
            var held = await db.Wallets.AsNoTracking()
                .Where(row => row.Id == posting.Account.WalletId)
                .Select(row => row.Currency)
                .FirstOrDefaultAsync(cancellationToken);
            if (held is null)
            {
                return new UnknownWallet(posting.Account);
            }

            if (CurrencyCodes.Parse(held) != posting.Account.Currency)
            {
                return new CurrencyMismatch(posting.Account, CurrencyCodes.Parse(held), posting.Account.Currency);
            }
        }

        throw new InvalidOperationException($"Entry {entry.Id} was refused for a wallet that exists.");
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "{Count} notifications of an appended entry could not be published")]
    private static partial void LogPublishFailed(ILogger logger, int count, Exception exception);
}
