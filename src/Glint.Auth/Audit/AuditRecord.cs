using Glint.Data.Audit;

namespace Glint.Auth.Audit;

/// <summary>
/// What an audit event says before it is stored: only identifiers and reasons, never a secret, token, code or
/// password. <see cref="AuditTrail"/> stamps the time.
/// </summary>
public sealed record AuditRecord(string Action, string ActorKind)
{
    public string? Subject { get; init; }

    public string? ClientId { get; init; }

    public string? Target { get; init; }

    public string? Reason { get; init; }

    public string? RemoteAddress { get; init; }

    /// <summary>The row, each value cut to its column so no event is refused for a long identifier.</summary>
    internal AuditEvent ToRow(DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        At = at,
        ActorKind = ActorKind,
        Action = Action,
        Subject = Cut(Subject, 400),
        ClientId = Cut(ClientId, 400),
        Target = Cut(Target, 255),
        Reason = Cut(Reason, 255),
        RemoteAddress = Cut(RemoteAddress, 64),
    };

    private static string? Cut(string? value, int length) => value is { } text && text.Length > length ? text[..length] : value;
}
