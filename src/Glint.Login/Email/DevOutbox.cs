using Glint.Data;
using Glint.Data.Users;
using Glint.Login.Phones;
using Microsoft.Extensions.Logging;

namespace Glint.Login.Email;

/// <summary>
/// With no SMTP server configured, mail (and, with no SMS provider either, text messages) is kept in the database and
/// logged instead of sent, so that a developer can sign in with <c>glint dev outbox</c>. Only a development setup runs without SMTP (<c>glint serve</c> refuses to
/// start otherwise), so these codes never reach a production log; the server warns at start-up that they are not delivered.
/// </summary>
public sealed partial class DevOutbox(GlintDbContext db, TimeProvider time, ILogger<DevOutbox> logger) : IEmailSender, ISmsSender
{
    /// <summary>What a kept text message's subject starts with, so that <c>glint dev outbox</c> tells it from an email.</summary>
    public const string SmsSubject = "SMS: ";

    public async Task SendAsync(string recipient, string subject, string body, CancellationToken cancellationToken)
    {
        db.Outbox.Add(new OutboxMessage { To = recipient, Subject = subject, Body = body, CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        LogKept(logger, recipient, subject, body);
    }

    /// <summary>A text message has no subject: its first line stands in for one.</summary>
    Task ISmsSender.SendAsync(string phone, string body, CancellationToken cancellationToken)
    {
        var firstLine = body.Split('\n', 2)[0].Trim();
        return SendAsync(phone, SmsSubject + firstLine[..Math.Min(firstLine.Length, 200)], body, cancellationToken);
    }

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning, Message = "Dev outbox (no SMTP configured), mail to {Recipient}: {Subject}: {Body}")]
    private static partial void LogKept(ILogger logger, string recipient, string subject, string body);
}
