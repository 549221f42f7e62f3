using Glint.Data;
using Glint.Data.Users;
using Glint.Data.Wallets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Accounts;

/// <summary>Why <see cref="AccountSettings"/> refused a change; the API words each as Blink does.</summary>
public enum AccountSettingRefusal
{
    /// <summary>A username is set once, as in Blink.</summary>
    UsernameAlreadySet,
    UsernameTaken,
    /// <summary>The wallet does not exist or belongs to another account.</summary>
    NotTheAccountsWallet,
}

/// <summary>
/// The settings a user changes on their account and user: username (set once), language, default wallet and display
/// currency. Each returns the saved entity, or why it was refused.
/// </summary>
public sealed class AccountSettings(GlintDbContext db)
{
    public async Task<(WalletAccount? Account, AccountSettingRefusal? Refusal)> SetUsernameAsync(Guid accountId, string username, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        if (account.UsernameKey is not null)
        {
            return (null, AccountSettingRefusal.UsernameAlreadySet);
        }

        if (await Usernames.IsTakenAsync(db, username, cancellationToken))
        {
            return (null, AccountSettingRefusal.UsernameTaken);
        }

        account.Username = username;
        account.UsernameKey = Usernames.Key(username);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone took it between the check and the update: the unique index decided.
            db.ChangeTracker.Clear();
            return (null, AccountSettingRefusal.UsernameTaken);
        }

        return (account, null);
    }

    public async Task<User> SetLanguageAsync(Guid userId, string language, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        user.Language = language;
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<(WalletAccount? Account, AccountSettingRefusal? Refusal)> SetDefaultWalletAsync(Guid accountId, Guid walletId, CancellationToken cancellationToken)
    {
        if (!await db.Wallets.AnyAsync(wallet => wallet.Id == walletId && wallet.AccountId == accountId, cancellationToken))
        {
            return (null, AccountSettingRefusal.NotTheAccountsWallet);
        }

        return (await ChangeAsync(accountId, account => account.DefaultWalletId = walletId, cancellationToken), null);
    }

    /// <summary>Sets the display currency, one the caller has checked it can show.</summary>
    public Task<WalletAccount> SetDisplayCurrencyAsync(Guid accountId, string currency, CancellationToken cancellationToken) =>
        ChangeAsync(accountId, account => account.DisplayCurrency = currency, cancellationToken);

    private async Task<WalletAccount> ChangeAsync(Guid accountId, Action<WalletAccount> change, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        change(account);
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }
}
