namespace Glint.Data.Users;

/// <summary>An email kept by the development outbox instead of being sent, readable with <c>glint dev outbox</c>.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    public required string To { get; set; }

    public required string Subject { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
