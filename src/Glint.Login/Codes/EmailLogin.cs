using System.Buffers.Text;
using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Glint.Auth.Audit;
using Glint.Data;
using Glint.Data.Audit;
using Glint.Data.Secrets;
using Glint.Data.Users;
using Glint.Login.Email;
using Glint.Login.Phones;
using Glint.Login.Totp;
using Glint.Login.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Glint.Login.Codes;

/// <summary>
/// One-time-code login by email or by text message, then TOTP for users who enrolled it. The address a code goes to is
/// a lower-cased email or an E.164 phone number (<see cref="E164"/>), and both follow the same rules: a code is six
/// digits, lives for <see cref="LoginOptions.CodeLifetime"/>, is stored only as an HMAC bound to its attempt, and dies
/// after a few wrong guesses; codes sent and failures count against the address and the IP address
/// (<see cref="LoginRateLimits"/>).
/// </summary>
public sealed class EmailLogin(
    GlintDbContext db, LoginRateLimits limits, IEmailSender mail, ISmsSender sms, IUserRegistration registration, TotpAuthenticator totp,
    LoginOptions options, SystemSecret secret, AuditTrail audit, TimeProvider time)
{
    private readonly byte[] _codeKey = secret.DeriveKey("login-codes");

    /// <summary>
    /// The lower-cased address, or null when it is not a plausible email address. It must also be one the SMTP sender
    /// can address (<see cref="MimeKit.MailboxAddress"/> is stricter than <see cref="MailAddress"/>, e.g. about a
    /// trailing dot in the local part or control characters in a quoted one): otherwise the address would pass here
    /// and fail only when the code is sent, once a mail server is configured.
    /// </summary>
    public static string? NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim();
        return trimmed is { Length: > 0 and <= 320 } && !trimmed.Any(char.IsControl)
            && MailAddress.TryCreate(trimmed, out var address) && address.Address == trimmed && trimmed.Contains('.', StringComparison.Ordinal)
            && MimeKit.MailboxAddress.TryParse(trimmed, out _)
            ? trimmed.ToLowerInvariant()
            : null;
    }

    /// <summary>
    /// Sends a sign-in code to <paramref name="email"/>, a normalized email or phone number. <paramref name="challenge"/>
    /// is what the attempt answers: a login challenge, or another purpose's key; only a check naming the same one can use it.
    /// </summary>
    public Task<LoginOutcome> SendCodeAsync(string email, string? challenge, string ip, CancellationToken cancellationToken) =>
        SendAsync(email, challenge, ip, code => ($"Your Glint sign-in code: {code}", CodeMessage(code)), cancellationToken);

    /// <summary>
    /// Sends a code that proves <paramref name="email"/> is the sender's, to add it to an account. The attempt is bound
    /// to <paramref name="purpose"/> (what it adds, to whom), so it can neither sign in nor confirm anything else;
    /// it counts against the same limits as sign-in codes.
    /// </summary>
    public Task<LoginOutcome> SendConfirmationCodeAsync(string email, string purpose, string ip, CancellationToken cancellationToken) =>
        SendAsync(email, purpose, ip, code => ($"Your Glint confirmation code: {code}", ConfirmationMessage(code)), cancellationToken);

    private async Task<LoginOutcome> SendAsync(string email, string? challenge, string ip, Func<string, (string Subject, string Body)> message, CancellationToken cancellationToken)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var now = time.GetUtcNow();
        var attempt = new LoginCode
        {
            Id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24)),
            Email = email,
            Challenge = ChallengeKey(challenge),
            IpAddress = ip,
            CreatedAt = now,
            ExpiresAt = now + options.CodeLifetime,
            Version = Guid.NewGuid(),
            CodeHash = [],
        };
        attempt.CodeHash = Hash(attempt.Id, code);
        await using (var hold = await limits.HoldAsync(email, ip, cancellationToken))
        {
            if (!await limits.MaySendCodeAsync(email, ip, cancellationToken))
            {
                return LoginOutcome.TooManyCodes;
            }

            db.LoginCodes.Add(attempt);
            await db.SaveChangesAsync(cancellationToken);
            await hold.CommitAsync(cancellationToken);
        }

        try
        {
            if (E164.IsPhone(email))
            {
                await sms.SendAsync(email, TextMessage(code), cancellationToken);
            }
            else
            {
                var (subject, body) = message(code);
                await mail.SendAsync(email, subject, body, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is EmailDeliveryException or SmsDeliveryException)
        {
            // An undelivered code must not count against the user's limit, nor leave anything behind.
            db.LoginCodes.Remove(attempt);
            await db.SaveChangesAsync(CancellationToken.None);
            return new LoginOutcome.Refused(exception.Message);
        }

        return new LoginOutcome.CodeSent(attempt.Id);
    }

    public async Task<string?> EmailOfAsync(string attemptId, CancellationToken cancellationToken) =>
        await db.LoginCodes.Where(code => code.Id == attemptId).Select(code => code.Email).SingleOrDefaultAsync(cancellationToken);

    /// <summary>The user a verified attempt identified.</summary>
    public async Task<Guid> UserOfAsync(string attemptId, CancellationToken cancellationToken) =>
        await db.LoginCodes.Where(code => code.Id == attemptId && code.UserId != null).Select(code => code.UserId!.Value).SingleAsync(cancellationToken);

    /// <summary>
    /// The newest attempt for <paramref name="address"/> and purpose that still takes a code, for the APIs that name
    /// the address and not the attempt (Blink's phone login); null when none does.
    /// </summary>
    public async Task<string?> LatestAttemptAsync(string address, string? challenge, CancellationToken cancellationToken)
    {
        var key = ChallengeKey(challenge);
        var now = time.GetUtcNow();
        var failuresPerCode = options.Limits.FailuresPerCode;
        return await db.LoginCodes
            .Where(code => code.Email == address && code.Challenge == key && code.VerifiedAt == null && code.ConsumedAt == null
                && code.ExpiresAt > now && code.FailedAttempts < failuresPerCode)
            .OrderByDescending(code => code.CreatedAt).Select(code => code.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Checks <paramref name="code"/> against the newest attempt for <paramref name="address"/> that still takes one,
    /// for the APIs that name the address and not the attempt (Blink's phone login). With none open, the refusal is
    /// audited for the address's user as a check of an unknown attempt is, so a phone sign-in leaves the same rows as
    /// an email one.
    /// </summary>
    public async Task<LoginOutcome> CheckLatestCodeAsync(string address, string? challenge, string code, string ip, CancellationToken cancellationToken)
    {
        if (await LatestAttemptAsync(address, challenge, cancellationToken) is { } attempt)
        {
            return await CheckCodeAsync(attempt, challenge, code, ip, cancellationToken);
        }

        await RecordAsync(LoginOutcome.Invalid, address, "code", ip, cancellationToken);
        return LoginOutcome.Invalid;
    }

    public async Task<LoginOutcome> CheckCodeAsync(string attemptId, string? challenge, string code, string ip, CancellationToken cancellationToken)
    {
        var email = await EmailOfAsync(attemptId, cancellationToken);
        var outcome = email is null ? LoginOutcome.Invalid : await DecideCodeAsync(email, attemptId, challenge, code, ip, cancellationToken);
        await RecordAsync(outcome, email, "code", ip, cancellationToken);
        return outcome;
    }

    private async Task<LoginOutcome> DecideCodeAsync(string email, string attemptId, string? challenge, string code, string ip, CancellationToken cancellationToken)
    {
        var (attempt, refusal) = await VerifyAsync(email, attemptId, challenge, code, ip, cancellationToken);
        if (attempt is null)
        {
            return refusal!;
        }

        var user = await FindUserAsync(attempt.Email, cancellationToken)
            ?? await RegisterAsync(attempt.Email, cancellationToken)
            ?? await FindUserAsync(attempt.Email, cancellationToken)
            ?? throw new InvalidOperationException("A concurrent registration of the address left no user.");
        if (user.Status != UserStatus.Active)
        {
            return LoginOutcome.Locked;
        }

        if (!await RedeemAsync(attempt, user, cancellationToken))
        {
            return LoginOutcome.Invalid;
        }

        return user.TotpSecret is null ? new LoginOutcome.LoggedIn(user, [Method(attempt.Email)]) : new LoginOutcome.TotpRequired(attempt.Id);
    }

    /// <summary>
    /// Spends a verified attempt for <paramref name="user"/> (only half of it when TOTP follows) in one conditional
    /// update of the version it was verified at: of concurrent checks of one code, the first write wins and the others
    /// change no row. It cannot ride on the context's tracked attempt, which opening a first-time user's account
    /// detaches when a concurrent check opened it first, and a save of nothing would look like a win.
    /// </summary>
    private async Task<bool> RedeemAsync(LoginCode attempt, User user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? consumedAt = user.TotpSecret is null ? now : null;
        var verifiedVersion = attempt.Version;
        var userId = user.Id;
        var redeemedVersion = Guid.NewGuid();
        var redeemed = await db.LoginCodes
            .Where(code => code.Id == attempt.Id && code.Version == verifiedVersion && code.VerifiedAt == null && code.ConsumedAt == null)
            .ExecuteUpdateAsync(set => set
                .SetProperty(code => code.VerifiedAt, now)
                .SetProperty(code => code.UserId, userId)
                .SetProperty(code => code.ConsumedAt, consumedAt)
                .SetProperty(code => code.Version, redeemedVersion), cancellationToken);
        return redeemed == 1;
    }

    /// <summary>
    /// Checks a confirmation code (<see cref="SendConfirmationCodeAsync"/>) with the same limits as a sign-in code.
    /// When it is right, <paramref name="apply"/> gets the confirmed address and makes its changes on this context, or
    /// refuses; the changes and the spent code are then saved together, so a code confirms once and only what it
    /// was sent for.
    /// </summary>
    public async Task<LoginOutcome> ConfirmCodeAsync(
        string attemptId, string? purpose, string code, string ip, Func<string, Task<LoginOutcome.Refused?>> apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        if (await EmailOfAsync(attemptId, cancellationToken) is not { } email)
        {
            return LoginOutcome.Invalid;
        }

        var (attempt, refusal) = await VerifyAsync(email, attemptId, purpose, code, ip, cancellationToken);
        if (attempt is null)
        {
            return refusal!;
        }

        if (await apply(attempt.Email) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        attempt.VerifiedAt = now;
        attempt.ConsumedAt = now;
        return await TrySaveAsync(attempt, cancellationToken) ? new LoginOutcome.Confirmed(attempt.Email) : LoginOutcome.Invalid;
    }

    private async Task<User?> FindUserAsync(string address, CancellationToken cancellationToken) => E164.IsPhone(address)
        ? await db.Users.SingleOrDefaultAsync(candidate => candidate.Phone == address, cancellationToken)
        : await db.Users.SingleOrDefaultAsync(candidate => candidate.Email == address, cancellationToken);

    private async Task<User?> RegisterAsync(string address, CancellationToken cancellationToken) => E164.IsPhone(address)
        ? await registration.RegisterPhoneAsync(address, cancellationToken)
        : await registration.RegisterAsync(address, cancellationToken);

    /// <summary>The RFC 8176 method a code proved: <c>email</c>, or <c>sms</c> for a text message.</summary>
    private static string Method(string address) => E164.IsPhone(address) ? "sms" : "email";

    public async Task<LoginOutcome> CheckTotpAsync(string attemptId, string? challenge, string code, string ip, CancellationToken cancellationToken)
    {
        var email = await EmailOfAsync(attemptId, cancellationToken);
        var outcome = email is null ? LoginOutcome.Invalid : await DecideTotpAsync(email, attemptId, challenge, code, ip, cancellationToken);
        await RecordAsync(outcome, email, "totp", ip, cancellationToken);
        return outcome;
    }

    private async Task<LoginOutcome> DecideTotpAsync(string email, string attemptId, string? challenge, string code, string ip, CancellationToken cancellationToken)
    {
        await using var hold = await limits.HoldAsync(email, ip, cancellationToken);
        var attempt = await OpenAttemptAsync(attemptId, challenge, cancellationToken);
        if (attempt is not { VerifiedAt: not null, UserId: { } userId })
        {
            return LoginOutcome.Invalid;
        }

        if (!await limits.MayAttemptAsync(attempt.Email, ip, cancellationToken))
        {
            return LoginOutcome.RateLimited;
        }

        var user = await db.Users.SingleAsync(candidate => candidate.Id == userId, cancellationToken);
        if (!await totp.TrySpendAsync(db, user, code, cancellationToken))
        {
            return await FailAsync(attempt, ip, "That authenticator code is not right, or it was already used. Enter the next code your app shows.", hold, cancellationToken);
        }

        attempt.ConsumedAt = time.GetUtcNow();
        if (!await TrySaveAsync(attempt, cancellationToken))
        {
            return LoginOutcome.Invalid;
        }

        await hold.CommitAsync(cancellationToken);
        return new LoginOutcome.LoggedIn(user, [Method(attempt.Email), "totp"]);
    }

    /// <summary>
    /// The open attempt when <paramref name="code"/> is its code, else the refusal. Checked under the limits' hold: a
    /// concurrent guess on this email has either been recorded or not started. A wrong code is recorded.
    /// </summary>
    private async Task<(LoginCode? Attempt, LoginOutcome? Refusal)> VerifyAsync(
        string email, string attemptId, string? challenge, string code, string ip, CancellationToken cancellationToken)
    {
        await using var hold = await limits.HoldAsync(email, ip, cancellationToken);
        var attempt = await OpenAttemptAsync(attemptId, challenge, cancellationToken);
        if (attempt is null || attempt.VerifiedAt is not null)
        {
            return (null, LoginOutcome.Invalid);
        }

        if (!await limits.MayAttemptAsync(attempt.Email, ip, cancellationToken))
        {
            return (null, LoginOutcome.RateLimited);
        }

        if (attempt.FailedAttempts >= options.Limits.FailuresPerCode)
        {
            return (null, LoginOutcome.TooManyWrongCodes);
        }

        var normalized = new string([.. code.Where(char.IsAsciiDigit)]);
        if (normalized.Length != 6 || !CryptographicOperations.FixedTimeEquals(Hash(attempt.Id, normalized), attempt.CodeHash))
        {
            attempt.FailedAttempts++;
            var where = E164.IsPhone(attempt.Email) ? "text message" : "email";
            return (null, await FailAsync(attempt, ip, $"That code is not right. Check the {where} and try again.", hold, cancellationToken));
        }

        // A right code records nothing against the limits; what the caller does next is no reason to hold them.
        await hold.CommitAsync(cancellationToken);
        return (attempt, null);
    }

    /// <summary>
    /// Counts the step's outcome and audits a finished login, a failed step and a lock-out (rate limit or locked
    /// account), with the user when one has the attempt's email; written once the step's own hold has ended. A
    /// code sent for TOTP is only half a login and is not audited.
    /// </summary>
    private async Task RecordAsync(LoginOutcome outcome, string? email, string step, string ip, CancellationToken cancellationToken)
    {
        var (action, reason) = outcome switch
        {
            LoginOutcome.LoggedIn => (AuditActions.LoginSucceeded, null),
            LoginOutcome.TotpRequired => (null, null),
            _ when ReferenceEquals(outcome, LoginOutcome.RateLimited) => (AuditActions.LoginLockedOut, "rate_limited"),
            _ when ReferenceEquals(outcome, LoginOutcome.Locked) => (AuditActions.LoginLockedOut, "account_locked"),
            _ when ReferenceEquals(outcome, LoginOutcome.Invalid) => (AuditActions.LoginFailed, "attempt_invalid"),
            _ => (AuditActions.LoginFailed, "wrong_" + step),
        };
        LoginTelemetry.Count(action ?? "login.totp_required");
        if (action is null)
        {
            return;
        }

        var subject = outcome is LoginOutcome.LoggedIn loggedIn
            ? loggedIn.User.Id
            : email is null ? null : await db.Users.Where(user => E164.IsPhone(email) ? user.Phone == email : user.Email == email)
                .Select(user => (Guid?)user.Id).FirstOrDefaultAsync(cancellationToken);
        await audit.WriteAsync(db, new AuditRecord(action, AuditActors.Subject)
        {
            Subject = subject?.ToString(),
            Target = outcome is LoginOutcome.LoggedIn done ? string.Join(' ', done.Methods) : step,
            Reason = reason,
            RemoteAddress = ip,
        }, cancellationToken);
    }

    /// <summary>
    /// What an attempt stores of its login challenge: a digest, since a sealed challenge is longer than the column
    /// and only equality matters.
    /// </summary>
    private static string? ChallengeKey(string? challenge) =>
        challenge is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(challenge)));

    /// <summary>The attempt, unless it is unknown, spent, expired or belongs to another login request.</summary>
    private async Task<LoginCode?> OpenAttemptAsync(string attemptId, string? challenge, CancellationToken cancellationToken)
    {
        var attempt = await db.LoginCodes.SingleOrDefaultAsync(code => code.Id == attemptId, cancellationToken);
        return attempt is { ConsumedAt: null } && attempt.Challenge == ChallengeKey(challenge) && attempt.ExpiresAt > time.GetUtcNow() ? attempt : null;
    }

    /// <summary>Records the failure and ends the hold under which it was counted; a lost race records nothing.</summary>
    private async Task<LoginOutcome> FailAsync(LoginCode attempt, string ip, string message, IDbContextTransaction hold, CancellationToken cancellationToken)
    {
        limits.RecordFailure(attempt.Email, ip);
        if (!await TrySaveAsync(attempt, cancellationToken))
        {
            return LoginOutcome.Invalid;
        }

        await hold.CommitAsync(cancellationToken);
        return new LoginOutcome.Refused(message);
    }

    private async Task<bool> TrySaveAsync(LoginCode attempt, CancellationToken cancellationToken)
    {
        if (db.Entry(attempt).State == EntityState.Detached)
        {
            // Saving would write nothing for it, and "saved" would read as this request having spent it.
            return false;
        }

        attempt.Version = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private byte[] Hash(string attemptId, string code) => HMACSHA256.HashData(_codeKey, Encoding.UTF8.GetBytes(attemptId + ":" + code));

    /// <summary>Short, as a text message should be; the code comes first so that phones can offer to fill it in.</summary>
    private string TextMessage(string code) =>
        $"{code} is your Glint sign-in code. It expires in {Lifetimes.InWords(options.CodeLifetime)}. Nobody from Glint will ask you for it.";

    private string CodeMessage(string code) =>
        $"""
        Your Glint sign-in code is {code}

        It expires in {Lifetimes.InWords(options.CodeLifetime)}. If you did not try to sign in, you can ignore this email:
        nobody can sign in without the code.
        """;

    private string ConfirmationMessage(string code) =>
        $"""
        Your Glint confirmation code is {code}

        Enter it in the app to add this email address to your Glint account. It expires in
        {Lifetimes.InWords(options.CodeLifetime)}. If you did not ask for it, you can ignore this email: nothing changes
        without the code.
        """;
}
