namespace Glint.Data.Audit;

/// <summary>
/// One security-relevant event: who did what, when and from where. Written once, never changed; the janitor deletes
/// rows past <c>audit.retention</c>. Never holds a secret, token, code or password: only identifiers.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>Time-ordered (UUIDv7), so paging by id follows the order events happened in.</summary>
    public Guid Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Who acted: <c>admin</c>, <c>subject</c>, <c>client</c> or <c>system</c> (<see cref="AuditActors"/>).</summary>
    public required string ActorKind { get; set; }

    /// <summary>What happened, e.g. <c>client.created</c> or <c>token.issued</c> (<see cref="AuditActions"/>).</summary>
    public required string Action { get; set; }

    /// <summary>The user the event is about, when there is one.</summary>
    public string? Subject { get; set; }

    /// <summary>The OAuth2 client the event is about, when there is one.</summary>
    public string? ClientId { get; set; }

    /// <summary>What else the event names: an API key's id, a grant type, an admin route.</summary>
    public string? Target { get; set; }

    /// <summary>Why, for a refusal or failure: an OAuth2 error code or a short reason.</summary>
    public string? Reason { get; set; }

    /// <summary>The remote address of the request that caused the event; null for the system's own events.</summary>
    public string? RemoteAddress { get; set; }
}

/// <summary>Who can act in an audit event.</summary>
public static class AuditActors
{
    public const string Admin = "admin";
    public const string Subject = "subject";
    public const string Client = "client";
    public const string System = "system";
}

/// <summary>Every action the audit trail records.</summary>
public static class AuditActions
{
    public const string ClientCreated = "client.created";
    public const string ClientUpdated = "client.updated";
    public const string ClientDeleted = "client.deleted";
    public const string ClientSecretRotated = "client.secret_rotated";
    public const string TokenIssued = "token.issued";
    public const string TokenRefused = "token.refused";
    public const string TokenRevoked = "token.revoked";
    public const string LoginSucceeded = "login.succeeded";
    public const string LoginFailed = "login.failed";
    public const string LoginLockedOut = "login.locked_out";
    public const string ConsentGranted = "consent.granted";
    public const string ConsentRevoked = "consent.revoked";
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";

    /// <summary>Any other admin API call that changed state; <see cref="AuditEvent.Target"/> names the route.</summary>
    public const string AdminCall = "admin.call";
}
