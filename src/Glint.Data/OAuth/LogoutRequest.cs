namespace Glint.Data.OAuth;

public enum LogoutRequestState
{
    Requested = 1,
    Accepted = 2,
    Rejected = 3,
    Used = 4,
}

/// <summary>A request to end a login session, waiting for the logout app's answer (Hydra's logout challenge).</summary>
public sealed class LogoutRequest
{
    /// <summary>The logout challenge.</summary>
    public required string Id { get; set; }

    public string? VerifierHash { get; set; }

    public required string Subject { get; set; }

    public required string SessionId { get; set; }

    public string? ClientId { get; set; }

    public required string RequestUrl { get; set; }

    public bool RpInitiated { get; set; }

    public LogoutRequestState State { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public Guid Version { get; set; }
}
