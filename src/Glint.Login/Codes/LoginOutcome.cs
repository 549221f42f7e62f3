using Glint.Data.Users;

namespace Glint.Login.Codes;

/// <summary>What a login step decided. Every failure carries the message the user sees.</summary>
public abstract record LoginOutcome
{
    /// <summary>A code was sent; <paramref name="AttemptId"/> names the attempt in the next form.</summary>
    public sealed record CodeSent(string AttemptId) : LoginOutcome;

    /// <summary>The email code was right and the user has TOTP: the attempt waits for it.</summary>
    public sealed record TotpRequired(string AttemptId) : LoginOutcome;

    /// <summary>The user passed every step; the attempt is spent.</summary>
    public sealed record LoggedIn(User User, IReadOnlyList<string> Methods) : LoginOutcome;

    /// <summary>A confirmation code proved the address (an email or phone being added); its changes are saved and the code is spent. Nobody is signed in.</summary>
    public sealed record Confirmed(string Address) : LoginOutcome;

    public sealed record Refused(string Message, bool StartOver = false) : LoginOutcome;

    public static Refused TooManyCodes { get; } = new("Too many codes were requested. Please wait an hour before you ask for another.");

    public static Refused TooManyWrongCodes { get; } = new("This code has had too many wrong tries. Please request a new code.", StartOver: true);

    public static Refused RateLimited { get; } = new("Too many attempts. Please wait a while before you try again.");

    /// <summary>The user's account is not active: no step can sign it in.</summary>
    public static Refused Locked { get; } = new("This account is locked. Please contact support.", StartOver: true);

    public static Refused Invalid { get; } = new("This sign-in attempt is no longer valid. Please request a new code.", StartOver: true);
}
