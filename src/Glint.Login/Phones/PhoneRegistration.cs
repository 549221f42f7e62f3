using Glint.Data;
using Glint.Data.Users;
using Glint.Login.Codes;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Phones;

/// <summary>How a step of adding a phone number ended; anything but <see cref="Done"/> comes with the user's message.</summary>
public enum PhoneStep
{
    Done,
    AlreadyAttached,
    TakenByAnotherUser,
    WrongCode,
    TooManyCodes,
    TooManyAttempts,
    NotDelivered,
}

public sealed record PhoneResult(PhoneStep Step, string Message, User? User = null)
{
    public static PhoneResult From(LoginOutcome.Refused refused) => new(
        ReferenceEquals(refused, LoginOutcome.TooManyCodes) ? PhoneStep.TooManyCodes
        : ReferenceEquals(refused, LoginOutcome.RateLimited) ? PhoneStep.TooManyAttempts
        : PhoneStep.WrongCode,
        refused.Message);
}

/// <summary>
/// Adds a phone number to a signed-in user: a code sent to the number, then that code back. The codes, limits and
/// attempts are the sign-in ones (<see cref="EmailLogin"/>), for a purpose of their own per user, so a code sent to
/// add a number never signs anyone in, nor the other way round. A user has at most one number, and a number one user.
/// </summary>
public sealed class PhoneRegistration(GlintDbContext db, EmailLogin login)
{
    public const string AlreadyAttachedMessage = "A phone is already attached to this account. It's only possible to attach one phone per account";

    public const string TakenMessage = "Phone Account already exists. Please logout and log back in with your phone account";

    /// <summary>What the codes sent to add a number to <paramref name="userId"/> answer.</summary>
    public static string Purpose(Guid userId) => "phone-registration:" + userId.ToString("N");

    public async Task<PhoneResult> SendCodeAsync(Guid userId, string phone, string ip, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleAsync(candidate => candidate.Id == userId, cancellationToken);
        if (user.Phone is not null)
        {
            return new PhoneResult(PhoneStep.AlreadyAttached, AlreadyAttachedMessage);
        }

        return await login.SendCodeAsync(phone, Purpose(userId), ip, cancellationToken) switch
        {
            LoginOutcome.CodeSent => new PhoneResult(PhoneStep.Done, "", user),
            LoginOutcome.Refused refused when ReferenceEquals(refused, LoginOutcome.TooManyCodes) => new PhoneResult(PhoneStep.TooManyCodes, refused.Message),
            LoginOutcome.Refused refused => new PhoneResult(PhoneStep.NotDelivered, refused.Message),
            _ => throw new InvalidOperationException("Sending a code has no other outcome."),
        };
    }

    /// <summary>
    /// Checks the latest code sent to add <paramref name="phone"/> to the user or, with <paramref name="orSignInCode"/>,
    /// the latest sign-in code sent to it; a right code is spent.
    /// </summary>
    public async Task<PhoneResult> ConfirmAsync(Guid userId, string phone, string code, string ip, bool orSignInCode, CancellationToken cancellationToken)
    {
        string? purpose = Purpose(userId);
        var attempt = await login.LatestAttemptAsync(phone, purpose, cancellationToken);
        if (attempt is null && orSignInCode)
        {
            purpose = null;
            attempt = await login.LatestAttemptAsync(phone, null, cancellationToken);
        }

        if (attempt is null)
        {
            return PhoneResult.From(LoginOutcome.Invalid);
        }

        // The number is attached by the caller afterwards (it may instead switch to the number's own account).
        return await login.ConfirmCodeAsync(attempt, purpose, code, ip, _ => Task.FromResult<LoginOutcome.Refused?>(null), cancellationToken) switch
        {
            LoginOutcome.Confirmed => new PhoneResult(PhoneStep.Done, ""),
            LoginOutcome.Refused refused => PhoneResult.From(refused),
            _ => throw new InvalidOperationException("Confirming an address has no other outcome."),
        };
    }

    /// <summary>The user this number signs in, if any.</summary>
    public async Task<User?> OwnerAsync(string phone, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().SingleOrDefaultAsync(user => user.Phone == phone, cancellationToken);

    /// <summary>Gives the user the number (a confirmed one): refused when they have another, or another user has it.</summary>
    public async Task<PhoneResult> AttachAsync(Guid userId, string phone, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleAsync(candidate => candidate.Id == userId, cancellationToken);
        if (user.Phone == phone)
        {
            return new PhoneResult(PhoneStep.Done, "", user);
        }

        if (user.Phone is not null)
        {
            return new PhoneResult(PhoneStep.AlreadyAttached, AlreadyAttachedMessage);
        }

        if (await db.Users.AnyAsync(other => other.Phone == phone, cancellationToken))
        {
            return new PhoneResult(PhoneStep.TakenByAnotherUser, TakenMessage);
        }

        user.Phone = phone;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another user took the number between the check and the update: the unique index decided.
            db.ChangeTracker.Clear();
            return new PhoneResult(PhoneStep.TakenByAnotherUser, TakenMessage);
        }

        return new PhoneResult(PhoneStep.Done, "", user);
    }
}
