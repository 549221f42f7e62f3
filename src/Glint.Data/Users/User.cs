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

    public string Status { get; set; } = "active";

    public DateTimeOffset CreatedAt { get; set; }
}
