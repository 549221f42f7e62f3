namespace Glint.Data.Users;

/// <summary>A failed code or TOTP check, counted per identifier and per IP address by the login rate limits.</summary>
public sealed class LoginFailure
{
    public long Id { get; set; }

    /// <summary>The lower-cased email the attempt was for.</summary>
    public required string Identifier { get; set; }

    public string IpAddress { get; set; } = "";

    public DateTimeOffset At { get; set; }
}
