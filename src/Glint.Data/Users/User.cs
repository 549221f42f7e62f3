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
}

public static class UserStatus
{
    public const string Active = "active";

    public const string Locked = "locked";
}
