using Glint.Api.Errors;
using Glint.Api.Prices;
using Glint.Data;
using Glint.Data.Users;
using Glint.Data.Wallets;
using Glint.Wallets.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Glint.Api.Accounts;

/// <summary>
/// The settings a user changes through the API: username (set once, as in Blink), language, default wallet and
/// display currency. Each returns the saved entity, or the payload error Blink would give.
/// </summary>
public sealed class AccountSettings(GlintDbContext db)
{
    public static readonly ApiError UsernameImmutable = new("USERNAME_ERROR", "username is immutable");
    public static readonly ApiError UsernameNotAvailable = new("USERNAME_ERROR", "username not available");
    public static readonly ApiError InvalidWallet = new("INVALID_INPUT", "Invalid walletId for account.");
    public static readonly ApiError InvalidCurrency = new("INVALID_INPUT", "Invalid currency.");

    public async Task<(WalletAccount? Account, ApiError? Error)> SetUsernameAsync(Guid accountId, string username, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        if (account.UsernameKey is not null)
        {
            return (null, UsernameImmutable);
        }

        var key = Usernames.Key(username);
        if (await db.Accounts.AnyAsync(other => other.UsernameKey == key, cancellationToken))
        {
            return (null, UsernameNotAvailable);
        }

        account.Username = username;
        account.UsernameKey = key;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone took it between the check and the update: the unique index decided.
            db.ChangeTracker.Clear();
            return (null, UsernameNotAvailable);
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

    public async Task<(WalletAccount? Account, ApiError? Error)> SetDefaultWalletAsync(Guid accountId, Guid walletId, CancellationToken cancellationToken)
    {
        if (!await db.Wallets.AnyAsync(wallet => wallet.Id == walletId && wallet.AccountId == accountId, cancellationToken))
        {
            return (null, InvalidWallet);
        }

        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        account.DefaultWalletId = walletId;
        await db.SaveChangesAsync(cancellationToken);
        return (account, null);
    }

    public async Task<(WalletAccount? Account, ApiError? Error)> SetDisplayCurrencyAsync(Guid accountId, string currency, CancellationToken cancellationToken)
    {
        if (CurrencyInfo.Find(currency) is null)
        {
            return (null, InvalidCurrency);
        }

        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        account.DisplayCurrency = currency;
        await db.SaveChangesAsync(cancellationToken);
        return (account, null);
    }
}
