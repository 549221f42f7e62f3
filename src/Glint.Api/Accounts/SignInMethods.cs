using Glint.Api.Errors;
using Glint.Data;
using Glint.Data.Users;
using Glint.Login.Codes;
using Glint.Login.Totp;
using Microsoft.EntityFrameworkCore;

namespace Glint.Api.Accounts;

/// <summary>
/// How a user signs in, changed through the API by the user's own session: adding an email (proved with a code from
/// the login app's <see cref="EmailLogin"/>, under its limits), removing the email or the phone while the other
/// remains (<see cref="User.CanSignInWithout"/>), and turning TOTP on and off with the login app's
/// <see cref="TotpAuthenticator"/>. Refusals are Blink's payload errors.
/// </summary>
public sealed class SignInMethods(GlintDbContext db, EmailLogin emails, TotpAuthenticator totp, TotpEnrolments enrolments)
{
    public static readonly ApiError InvalidEmail = new("INVALID_INPUT", "Invalid value for EmailAddress: email must be a plain address such as name@example.com");
    public static readonly ApiError EmailAlreadyAttached =
        new("EMAIL_ALREADY_ATTACHED_ERROR", "An email is already attached to this account. It's only possible to attach one email per account");
    public static readonly ApiError EmailTaken =
        new("EMAIL_ACCOUNT_ALREADY_EXISTS_ERROR", "Email account already exists. Please logout and log back in with your email account");
    public static readonly ApiError WrongCode = new("PHONE_CODE_ERROR", "Invalid or incorrect code entered.");
    public static readonly ApiError CodeExpired = new("CODE_EXPIRED_ERROR", "Code has expired. please ask for a new code and try again");
    public static readonly ApiError TooManyCodes = new("TOO_MANY_REQUEST", "Too many request code attempts, please wait for a while and try again.");
    public static readonly ApiError TooManyAttempts = new("TOO_MANY_REQUEST", "Too many attempts, please wait for a while and try again.");
    public static readonly ApiError NoEmail = new("INVALID_INPUT", "The user has no email to remove.");
    public static readonly ApiError NoPhone = new("INVALID_INPUT", "The user has no phone to remove.");
    public static readonly ApiError EmailIsLastSignIn =
        new("INVALID_INPUT", "The email is the user's only way to sign in: add a phone before removing the email.");
    public static readonly ApiError PhoneIsLastSignIn =
        new("INVALID_INPUT", "The phone is the user's only way to sign in: add an email before removing the phone.");
    public static readonly ApiError TotpAlreadyEnabled = new("INVALID_INPUT", "TOTP is already enabled: remove it before registering a new authenticator.");
    public static readonly ApiError TotpRegistrationInvalid =
        new("INVALID_INPUT", "totpRegistrationId is unknown, expired or of another user: start the registration again.");
    public static readonly ApiError TotpNotEnabled = new("INVALID_INPUT", "TOTP is not enabled for this user.");

    /// <summary>Sends a code to <paramref name="email"/>; its attempt id is Blink's <c>emailRegistrationId</c>.</summary>
    public async Task<(string? RegistrationId, ApiError? Error)> InitiateEmailAsync(Guid userId, string email, string ip, CancellationToken cancellationToken)
    {
        if (EmailLogin.NormalizeEmail(email) is not { } address)
        {
            return (null, InvalidEmail);
        }

        if (await db.Users.AnyAsync(user => user.Id == userId && user.Email != null, cancellationToken))
        {
            return (null, EmailAlreadyAttached);
        }

        // Whether another user has the address is told only once the code proves it is the caller's.
        return await emails.SendConfirmationCodeAsync(address, EmailPurpose(userId), ip, cancellationToken) switch
        {
            LoginOutcome.CodeSent sent => (sent.AttemptId, null),
            var refused when ReferenceEquals(refused, LoginOutcome.TooManyCodes) => (null, TooManyCodes),
            LoginOutcome.Refused refused => (null, new ApiError("INVALID_INPUT", refused.Message)),
            _ => throw new InvalidOperationException("Sending a code has no other outcome."),
        };
    }

    /// <summary>Checks the code and attaches the address, verified, in the same save that spends the code.</summary>
    public async Task<(User? Me, ApiError? Error)> ValidateEmailAsync(Guid userId, string registrationId, string code, string ip, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleAsync(candidate => candidate.Id == userId, cancellationToken);
        ApiError? conflict = null;
        LoginOutcome outcome;
        try
        {
            outcome = await emails.ConfirmCodeAsync(registrationId, EmailPurpose(userId), code, ip, async address =>
            {
                conflict = user.Email is not null ? EmailAlreadyAttached
                    : await db.Users.AnyAsync(other => other.Email == address && other.Id != userId, cancellationToken) ? EmailTaken
                    : null;
                if (conflict is not null)
                {
                    return new LoginOutcome.Refused(conflict.Message);
                }

                user.Email = address;
                user.EmailVerified = true;
                return null;
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another user took the address between the check and the save: its unique index decided.
            db.ChangeTracker.Clear();
            return (null, EmailTaken);
        }

        return outcome switch
        {
            LoginOutcome.Confirmed => (user, null),
            _ when conflict is not null => (null, conflict),
            var refused when ReferenceEquals(refused, LoginOutcome.RateLimited) => (null, TooManyAttempts),
            var refused when ReferenceEquals(refused, LoginOutcome.Invalid) => (null, CodeExpired),
            LoginOutcome.Refused { StartOver: true } refused => (null, new ApiError("PHONE_CODE_ERROR", refused.Message)),
            LoginOutcome.Refused => (null, WrongCode),
            _ => throw new InvalidOperationException("Checking a code has no other outcome."),
        };
    }

    public Task<(User? Me, ApiError? Error)> DeleteEmailAsync(Guid userId, CancellationToken cancellationToken) =>
        RemoveAsync(userId, SignInMethod.Email, cancellationToken);

    public Task<(User? Me, ApiError? Error)> DeletePhoneAsync(Guid userId, CancellationToken cancellationToken) =>
        RemoveAsync(userId, SignInMethod.Phone, cancellationToken);

    /// <summary>A new secret, and the registration id that carries it until a first code proves the app has it.</summary>
    public async Task<(string? RegistrationId, string? Secret, ApiError? Error)> InitiateTotpAsync(Guid userId, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(user => user.Id == userId && user.TotpSecret != null, cancellationToken))
        {
            return (null, null, TotpAlreadyEnabled);
        }

        var secret = TotpAuthenticator.NewSecret();
        return (enrolments.Begin(userId, secret), TotpAuthenticator.Base32(secret), null);
    }

    /// <summary>Turns TOTP on when <paramref name="code"/> is current for the registration's secret; that code's step is spent.</summary>
    public async Task<(User? Me, ApiError? Error)> ValidateTotpAsync(Guid userId, string registrationId, string code, CancellationToken cancellationToken)
    {
        if (enrolments.SecretOf(userId, registrationId) is not { } secret)
        {
            return (null, TotpRegistrationInvalid);
        }

        var user = await db.Users.SingleAsync(candidate => candidate.Id == userId, cancellationToken);
        if (user.TotpSecret is not null)
        {
            return (null, TotpAlreadyEnabled);
        }

        if (totp.Match(secret, code) is not { } step)
        {
            return (null, WrongCode);
        }

        totp.Enable(user, secret, step);
        await db.SaveChangesAsync(cancellationToken);
        return (user, null);
    }

    public async Task<(User? Me, ApiError? Error)> DeleteTotpAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleAsync(candidate => candidate.Id == userId, cancellationToken);
        if (user.TotpSecret is null)
        {
            return (null, TotpNotEnabled);
        }

        TotpAuthenticator.Disable(user);
        await db.SaveChangesAsync(cancellationToken);
        return (user, null);
    }

    private async Task<(User? Me, ApiError? Error)> RemoveAsync(Guid userId, SignInMethod method, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(candidate => candidate.Id == userId, cancellationToken);
        var email = method == SignInMethod.Email;
        if (email ? user.Email is null : user.Phone is null)
        {
            return (null, email ? NoEmail : NoPhone);
        }

        var lastOne = email ? EmailIsLastSignIn : PhoneIsLastSignIn;
        if (!user.CanSignInWithout(method))
        {
            return (null, lastOne);
        }

        // One conditional update: two removals at once (email here, phone on another node) must not both pass the
        // check above and leave the user with no way in.
        var removing = db.Users.Where(candidate => candidate.Id == userId).Where(User.CanSignInWithoutCondition(method));
        var removed = email
            ? await removing.ExecuteUpdateAsync(set => set.SetProperty(candidate => candidate.Email, (string?)null).SetProperty(candidate => candidate.EmailVerified, false), cancellationToken)
            : await removing.ExecuteUpdateAsync(set => set.SetProperty(candidate => candidate.Phone, (string?)null), cancellationToken);
        return removed == 1
            ? (await db.Users.AsNoTracking().SingleAsync(candidate => candidate.Id == userId, cancellationToken), null)
            : (null, lastOne);
    }

    /// <summary>What a confirmation code for adding an email to <paramref name="userId"/> is bound to.</summary>
    private static string EmailPurpose(Guid userId) => "add-email:" + userId.ToString("D");
}
