namespace Glint.Data.Users;

/// <summary>
/// One one-time code, sent by email or text message, and the login attempt it belongs to. The code itself is never stored, only its HMAC; the
/// row also carries the attempt through its second factor (TOTP) once the code has been verified.
/// </summary>
public sealed class LoginCode
{
    /// <summary>A random, unguessable id: the attempt's handle in the browser.</summary>
    public required string Id { get; set; }

    /// <summary>Where the code was sent: a lower-cased email, or a phone number in E.164 form (it starts with '+').</summary>
    public required string Email { get; set; }

    public required byte[] CodeHash { get; set; }

    /// <summary>
    /// The SHA-256 (hex) of what this attempt answers: a login challenge, or another purpose's key (a phone being added
    /// to an account); null for a sign-in to the account pages or the sign-in API.
    /// </summary>
    public string? Challenge { get; set; }

    public string IpAddress { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public int FailedAttempts { get; set; }

    /// <summary>Set when the email code was right; the user it identified then has to pass TOTP if enrolled.</summary>
    public DateTimeOffset? VerifiedAt { get; set; }

    public Guid? UserId { get; set; }

    /// <summary>Set once the attempt has logged someone in, so it cannot log in twice.</summary>
    public DateTimeOffset? ConsumedAt { get; set; }

    /// <summary>Optimistic concurrency: two requests racing with the same code cannot both win.</summary>
    public Guid Version { get; set; }
}
