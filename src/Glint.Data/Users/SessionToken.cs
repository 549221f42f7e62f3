namespace Glint.Data.Users;

/// <summary>
/// A first-party app's session (Blink's <c>authToken</c>): unscoped, stored as a SHA-256 hash, revocable. While its
/// login still waits for TOTP it is pending and authenticates nothing.
/// </summary>
public sealed class SessionToken
{
    public Guid Id { get; set; }

    public required byte[] TokenHash { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The login attempt whose TOTP step must pass before the token works; null once it may be used.</summary>
    public string? PendingAttemptId { get; set; }
}
