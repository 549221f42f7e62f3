using System.Runtime.CompilerServices;
using Glint.Data;
using Glint.Data.Users;
using Glint.Data.Wallets;
using Glint.Wallets.Accounts;
using Glint.Wallets.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Wallets.Queries;

/// <summary>One wallet's side of a journal entry: what the API calls a transaction.</summary>
public sealed record WalletTransaction(
    long Id, Guid EntryId, Guid WalletId, string Currency, long Amount, DateTimeOffset CreatedAt, string Kind, string? Memo, EntryDetails Details)
{
    public bool IsSend => Amount < 0;

    /// <summary>The other wallet of a payment, seen from this wallet; null for an operator credit.</summary>
    public Guid? CounterpartyWalletId => IsSend ? Details.ReceiverWalletId : Details.PayerWalletId;

    public string? CounterpartyUsername => IsSend ? Details.ReceiverUsername : Details.PayerUsername;
}

public sealed record TransactionPage(IReadOnlyList<WalletTransaction> Items, bool HasNextPage, bool HasPreviousPage);

/// <summary>
/// The read side of wallets for the API: users, accounts, wallets and transaction history. The request's database
/// context is taken on first use: the caller's account and wallets, all that a query such as <c>me</c> reads, need
/// none once the node's account read is settled (<see cref="SettledAccountRead"/>), and renting and resetting a pooled
/// context cost about 3 % of a <c>me</c>'s CPU.
/// </summary>
public sealed class WalletQueries(IServiceProvider services, SettledAccountRead accountRead, HeldReadConnections held, MultiplexedReads? multiplexed = null)
{
    private GlintDbContext? _db;

    private GlintDbContext Db => _db ??= services.GetRequiredService<GlintDbContext>();

    /// <summary>At most this many transactions per page (Blink's bound).</summary>
    public const int MaxPageSize = 100;

    // The reads behind every API request, compiled once per model (EF Core refuses a compiled query on another
    // model than the one it was compiled for, and a process may host several): EF Core then neither looks the query
    // up in its cache nor checks its parameters on each call.
    private static readonly ConditionalWeakTable<IModel, CompiledReads> Compiled = new();

    private CompiledReads Reads => Compiled.GetValue(Db.Model, static _ => new CompiledReads());

    public Task<User?> FindUserAsync(Guid userId, CancellationToken cancellationToken) => Reads.UserById(Db, userId, cancellationToken);

    public Task<WalletAccount?> FindAccountOfUserAsync(Guid userId, CancellationToken cancellationToken) => Reads.AccountOfUser(Db, userId, cancellationToken);

    /// <summary>
    /// The user's account and its wallets (BTC first), in one round trip; null when the user has no account. Read as
    /// committed, outside any transaction, unless this request has read through its context already (then through
    /// the context, in its transaction if it has one).
    /// </summary>
    public async Task<(WalletAccount Account, IReadOnlyList<Data.Wallets.Wallet> Wallets)?> FindAccountAndWalletsOfUserAsync(
        Guid userId, CancellationToken cancellationToken)
    {
        var wallets = new List<Data.Wallets.Wallet>(2);
        var account = _db is null && accountRead.Settled is { } read && read.CanReadWithoutContext(held, multiplexed)
            ? await read.ReadAsync(held, multiplexed, userId, wallets, cancellationToken)
            : await accountRead.Settle(Db).ReadAsync(Db, held, multiplexed, userId, wallets, cancellationToken);
        return account is null ? null : (account, BtcFirst(wallets));
    }

    public Task<WalletAccount?> FindAccountByUsernameAsync(string username, CancellationToken cancellationToken) =>
        Usernames.IsValid(username)
            ? Db.Accounts.AsNoTracking().SingleOrDefaultAsync(account => account.UsernameKey == Usernames.Key(username), cancellationToken)
            : Task.FromResult<WalletAccount?>(null);

    public async Task<IReadOnlyList<Data.Wallets.Wallet>> WalletsAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var wallets = new List<Data.Wallets.Wallet>(2);
        await foreach (var wallet in Reads.WalletsOfAccount(Db, accountId).WithCancellation(cancellationToken))
        {
            wallets.Add(wallet);
        }

        return BtcFirst(wallets);
    }

    public Task<Data.Wallets.Wallet?> FindWalletAsync(Guid walletId, CancellationToken cancellationToken) => Reads.WalletById(Db, walletId, cancellationToken);

    /// <summary>BTC first, as Blink lists them.</summary>
    private static List<Data.Wallets.Wallet> BtcFirst(List<Data.Wallets.Wallet> wallets) =>
        wallets.Count > 1 && wallets[0].Currency != CurrencyCodes.Btc ? [.. wallets.OrderBy(wallet => wallet.Currency == CurrencyCodes.Btc ? 0 : 1)] : wallets;

    private sealed class CompiledReads
    {
        public Func<GlintDbContext, Guid, CancellationToken, Task<User?>> UserById { get; } = EF.CompileAsyncQuery(
            (GlintDbContext db, Guid userId, CancellationToken _) => db.Users.AsNoTracking().SingleOrDefault(user => user.Id == userId));

        public Func<GlintDbContext, Guid, CancellationToken, Task<WalletAccount?>> AccountOfUser { get; } = EF.CompileAsyncQuery(
            (GlintDbContext db, Guid userId, CancellationToken _) => db.Accounts.AsNoTracking().SingleOrDefault(account => account.UserId == userId));

        public Func<GlintDbContext, Guid, IAsyncEnumerable<Data.Wallets.Wallet>> WalletsOfAccount { get; } = EF.CompileAsyncQuery(
            (GlintDbContext db, Guid accountId) => db.Wallets.AsNoTracking().Where(wallet => wallet.AccountId == accountId));

        public Func<GlintDbContext, Guid, CancellationToken, Task<Data.Wallets.Wallet?>> WalletById { get; } = EF.CompileAsyncQuery(
            (GlintDbContext db, Guid walletId, CancellationToken _) => db.Wallets.AsNoTracking().SingleOrDefault(wallet => wallet.Id == walletId));
    }

    /// <summary>
    /// Newest first, keyset-paginated on the posting id (the cursor), so a page never shifts when new payments arrive.
    /// <paramref name="first"/>/<paramref name="after"/> page towards older transactions, <paramref name="last"/>/<paramref name="before"/> towards newer.
    /// </summary>
    public async Task<TransactionPage> TransactionsAsync(
        IReadOnlyCollection<Guid> walletIds, int? first, long? after, int? last, long? before, CancellationToken cancellationToken)
    {
        var postings = Db.Postings.AsNoTracking().Where(posting => posting.WalletId != null && walletIds.Contains(posting.WalletId.Value));
        List<PostingRecord> page;
        bool hasNext, hasPrevious;
        if (last is { } count && first is null)
        {
            if (before is { } newerThan)
            {
                postings = postings.Where(posting => posting.Id > newerThan);
            }

            page = await postings.OrderBy(posting => posting.Id).Take(count + 1).ToListAsync(cancellationToken);
            hasPrevious = page.Count > count;
            page = [.. page.Take(count).OrderByDescending(posting => posting.Id)];
            hasNext = before is not null;
        }
        else
        {
            var size = first ?? MaxPageSize;
            if (after is { } olderThan)
            {
                postings = postings.Where(posting => posting.Id < olderThan);
            }

            page = await postings.OrderByDescending(posting => posting.Id).Take(size + 1).ToListAsync(cancellationToken);
            hasNext = page.Count > size;
            page = [.. page.Take(size)];
            hasPrevious = after is not null;
        }

        return new TransactionPage(await WithEntriesAsync(page, cancellationToken), hasNext, hasPrevious);
    }

    public async Task<WalletTransaction?> FindTransactionAsync(Guid walletId, long transactionId, CancellationToken cancellationToken)
    {
        var posting = await Db.Postings.AsNoTracking().SingleOrDefaultAsync(p => p.Id == transactionId && p.WalletId == walletId, cancellationToken);
        return posting is null ? null : (await WithEntriesAsync([posting], cancellationToken))[0];
    }

    /// <summary>The wallet's side of one journal entry (after a payment, the transaction the payload returns).</summary>
    public async Task<WalletTransaction?> FindEntryTransactionAsync(Guid entryId, Guid walletId, CancellationToken cancellationToken)
    {
        var posting = await Db.Postings.AsNoTracking().SingleOrDefaultAsync(p => p.EntryId == entryId && p.WalletId == walletId, cancellationToken);
        return posting is null ? null : (await WithEntriesAsync([posting], cancellationToken))[0];
    }

    private async Task<IReadOnlyList<WalletTransaction>> WithEntriesAsync(List<PostingRecord> postings, CancellationToken cancellationToken)
    {
        var entryIds = postings.Select(posting => posting.EntryId).Distinct().ToList();
        var entries = await Db.JournalEntries.AsNoTracking()
            .Where(entry => entryIds.Contains(entry.Id))
            .Select(entry => new { entry.Id, entry.Kind, entry.Memo, entry.Details })
            .ToDictionaryAsync(entry => entry.Id, cancellationToken);
        return [.. postings.Select(posting =>
        {
            var entry = entries[posting.EntryId];
            return new WalletTransaction(posting.Id, posting.EntryId, posting.WalletId!.Value, posting.Currency, posting.Amount,
                posting.CreatedAt, entry.Kind, entry.Memo, EntryDetails.Parse(entry.Details));
        })];
    }
}
