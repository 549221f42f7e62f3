using Glint.Data;
using Glint.Data.Users;
using Glint.Login.Codes;

namespace Glint.Login.Totp;

/// <summary>
/// A TOTP code asked of a signed-in user (to turn two-step sign-in off), under the sign-in limits: a wrong code counts
/// as a failed sign-in step against the user's address and the client's address, and a locked one is refused as at
/// sign-in. Otherwise a browser left signed in would let anyone try every code. The address is the email, or the
/// phone of a user without one: where that user's sign-in failures are counted too.
/// </summary>
public sealed class AccountTotpCheck(GlintDbContext db, LoginRateLimits limits, TotpAuthenticator totp)
{
    /// <summary>Null when <paramref name="code"/> is right and new (its step is then spent); else the refusal.</summary>
    public async Task<LoginOutcome.Refused?> CheckAsync(User user, string code, string ip, CancellationToken cancellationToken)
    {
        var address = user.Email ?? user.Phone ?? user.Id.ToString("D");
        await using var hold = await limits.HoldAsync(address, ip, cancellationToken);
        if (!await limits.MayAttemptAsync(address, ip, cancellationToken))
        {
            return LoginOutcome.RateLimited;
        }

        if (await totp.TrySpendAsync(db, user, code, cancellationToken))
        {
            await hold.CommitAsync(cancellationToken);
            return null;
        }

        limits.RecordFailure(address, ip);
        await db.SaveChangesAsync(cancellationToken);
        await hold.CommitAsync(cancellationToken);
        return new LoginOutcome.Refused("That code is not right, or it was already used. Enter the next code from your authenticator app.");
    }
}
