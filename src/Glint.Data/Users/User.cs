using System.Linq.Expressions;

namespace Glint.Data.Users;

/// <summary>A wallet user. The id is the OAuth <c>sub</c> that apps see.</summary>
public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>Lower-cased, for lookups; null for users created without an email.</summary>
    public string? Email { get; set; }

    public bool EmailVerified { get; set; }

    public string? Phone { get; set; }

    /// <summary>An IETF language tag, or empty for the app's default (Blink's <c>language</c>).</summary>
    public string Language { get; set; } = "";

    public string Status { get; set; } = UserStatus.Active;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The RFC 6238 shared secret, sealed under a key derived from the system secret; null without TOTP.</summary>
    public byte[]? TotpSecret { get; set; }

    /// <summary>The last TOTP time step accepted, so that a code cannot be replayed within its window.</summary>
    public long? TotpLastStep { get; set; }

    public DateTimeOffset? TotpEnabledAt { get; set; }

    /// <summary>
    /// Whether the user could still sign in without <paramref name="method"/>: an email and a phone are the ways in,
    /// and every user keeps at least one. TOTP is a second step, never a way in by itself.
    /// </summary>
    public bool CanSignInWithout(SignInMethod method) => SignInRule.Compiled(method)(this);

    /// <summary>
    /// <see cref="CanSignInWithout"/> as a query condition, for the conditional update that removes a method: two
    /// removals at once must not both pass a check made before them.
    /// </summary>
    public static Expression<Func<User, bool>> CanSignInWithoutCondition(SignInMethod method) => SignInRule.Condition(method);

    private static class SignInRule
    {
        private static readonly Expression<Func<User, bool>> WithoutEmail = user => user.Phone != null;
        private static readonly Expression<Func<User, bool>> WithoutPhone = user => user.Email != null;
        private static readonly Func<User, bool> WithoutEmailCompiled = WithoutEmail.Compile();
        private static readonly Func<User, bool> WithoutPhoneCompiled = WithoutPhone.Compile();

        public static Expression<Func<User, bool>> Condition(SignInMethod method) => method switch
        {
            SignInMethod.Email => WithoutEmail,
            SignInMethod.Phone => WithoutPhone,
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a sign-in method."),
        };

        public static Func<User, bool> Compiled(SignInMethod method) => method switch
        {
            SignInMethod.Email => WithoutEmailCompiled,
            SignInMethod.Phone => WithoutPhoneCompiled,
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not a sign-in method."),
        };
    }
}

/// <summary>The ways a user proves who they are with a one-time code.</summary>
public enum SignInMethod
{
    Email,
    Phone,
}

public static class UserStatus
{
    public const string Active = "active";

    public const string Locked = "locked";

    /// <summary>The user deleted their account: every credential is revoked and the email and phone are free again.</summary>
    public const string Closed = "closed";
}
