using Glint.Api.Errors;
using Glint.Data;
using Glint.Data.Wallets;
using Glint.Wallets.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Glint.Api.Accounts;

/// <summary>Blink's <c>UserContact</c>: another account, by username, with the caller's alias for it and how often they transacted.</summary>
public sealed record Contact(string Username, string? Alias, int TransactionsCount);

/// <summary>
/// <c>userContactUpdateAlias</c>. A contact is an account with a username that the caller's account has paid or been
/// paid by inside Glint; the alias is stored for the caller alone.
/// </summary>
public sealed class ContactAliases(GlintDbContext db)
{
    public async Task<(Contact? Contact, ApiError? Error)> SetAliasAsync(Guid accountId, string username, string alias, CancellationToken cancellationToken)
    {
        var key = Usernames.Key(username);
        var other = await db.Accounts.AsNoTracking().Where(account => account.UsernameKey == key)
            .Select(account => new { account.Id, account.Username }).SingleOrDefaultAsync(cancellationToken);
        var count = other is null || other.Id == accountId ? 0 : await SharedTransactionsAsync(accountId, other.Id, cancellationToken);
        if (count == 0)
        {
            return (null, new ApiError("NOT_FOUND", $"Contact does not exist for account {accountId:D}: username must be an account this one has paid or been paid by."));
        }

        var contact = await db.AccountContacts.SingleOrDefaultAsync(
            candidate => candidate.AccountId == accountId && candidate.ContactAccountId == other!.Id, cancellationToken);
        if (contact is null)
        {
            db.AccountContacts.Add(new AccountContact { AccountId = accountId, ContactAccountId = other!.Id, Alias = alias });
        }
        else
        {
            contact.Alias = alias;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent first alias for the same contact won the insert: this one is the later, so it is kept.
            db.ChangeTracker.Clear();
            await db.AccountContacts.Where(candidate => candidate.AccountId == accountId && candidate.ContactAccountId == other!.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(candidate => candidate.Alias, alias), cancellationToken);
        }

        return (new Contact(other!.Username!, alias, count), null);
    }

    /// <summary>The journal entries that moved money between a wallet of each account.</summary>
    private Task<int> SharedTransactionsAsync(Guid accountId, Guid otherId, CancellationToken cancellationToken)
    {
        var mine = db.Wallets.Where(wallet => wallet.AccountId == accountId).Select(wallet => (Guid?)wallet.Id);
        var theirs = db.Wallets.Where(wallet => wallet.AccountId == otherId).Select(wallet => (Guid?)wallet.Id);
        return db.Postings
            .Where(posting => mine.Contains(posting.WalletId) && db.Postings.Any(other => other.EntryId == posting.EntryId && theirs.Contains(other.WalletId)))
            .Select(posting => posting.EntryId).Distinct().CountAsync(cancellationToken);
    }
}
