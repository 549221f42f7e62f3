using Glint.Data;
using Glint.Data.Users;
using Glint.Data.Wallets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Accounts;

public sealed record OpenedAccount(Guid UserId, Guid AccountId, Guid BtcWalletId, Guid UsdWalletId);

public abstract record OpenAccountFailure(string Message)
{
    public sealed record EmailTaken() : OpenAccountFailure("A user with this email already exists.");

    public sealed record InvalidUsername() : OpenAccountFailure("Usernames are 3 to 50 letters, digits or underscores, and do not start like a bitcoin address.");

    public sealed record UsernameTaken() : OpenAccountFailure("This username is already taken.");
}

/// <summary>Opens a user's account with a BTC and a USD wallet, all in one transaction (BTC is the default wallet, as in Blink).</summary>
public sealed class AccountOpening(GlintDbContext db, TimeProvider time) : IUserRegistration
{
    /// <summary>A user's first login opens their account, with a verified email (the code proved it).</summary>
    async Task<User?> IUserRegistration.RegisterAsync(string email, CancellationToken cancellationToken)
    {
        var (opened, _) = await OpenAsync(null, email, null, cancellationToken, emailVerified: true);
        return opened is null ? null : await db.Users.FindAsync([opened.UserId], cancellationToken);
    }

    /// <summary>A first login by text message opens the account of that phone number (the code proved it).</summary>
    async Task<User?> IUserRegistration.RegisterPhoneAsync(string phone, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(user => user.Phone == phone, cancellationToken))
        {
            return null;
        }

        var (opened, _) = await OpenAsync(null, null, null, cancellationToken, phone: phone);
        return opened is null ? null : await db.Users.FindAsync([opened.UserId], cancellationToken);
    }

    public async Task<(OpenedAccount? Account, OpenAccountFailure? Failure)> OpenAsync(
        Guid? userId, string? email, string? username, CancellationToken cancellationToken, bool emailVerified = false, string? phone = null)
    {
        var emailKey = email?.Trim().ToLowerInvariant();
        if (username is not null && !Usernames.IsValid(username))
        {
            return (null, new OpenAccountFailure.InvalidUsername());
        }

        if (emailKey is not null && await db.Users.AnyAsync(user => user.Email == emailKey, cancellationToken))
        {
            return (null, new OpenAccountFailure.EmailTaken());
        }

        if (username is not null && await db.Accounts.AnyAsync(account => account.UsernameKey == Usernames.Key(username), cancellationToken))
        {
            return (null, new OpenAccountFailure.UsernameTaken());
        }

        var now = time.GetUtcNow();
        var user = new User { Id = userId ?? Guid.NewGuid(), Email = emailKey, EmailVerified = emailVerified && emailKey is not null, Phone = phone, CreatedAt = now };
        var account = new WalletAccount
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            Username = username,
            UsernameKey = username is null ? null : Usernames.Key(username),
            CreatedAt = now,
        };
        var btc = new Data.Wallets.Wallet { Id = Guid.NewGuid(), AccountId = account.Id, Currency = "BTC", CreatedAt = now };
        var usd = new Data.Wallets.Wallet { Id = Guid.NewGuid(), AccountId = account.Id, Currency = "USD", CreatedAt = now };
        account.DefaultWalletId = btc.Id;

        db.AddRange(user, account, btc, usd);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone took the email, phone or username between the checks and the insert: the unique indexes decided.
            db.ChangeTracker.Clear();
            return (null, username is null ? new OpenAccountFailure.EmailTaken() : new OpenAccountFailure.UsernameTaken());
        }

        return (new OpenedAccount(user.Id, account.Id, btc.Id, usd.Id), null);
    }
}
