using Glint.Data;
using Glint.Data.Audit;
using Microsoft.Extensions.Logging;

namespace Glint.Auth.Audit;

/// <summary>
/// Writes audit events to the log (event ids 4300–4399) and to <c>audit_events</c>. Login and API key events are
/// written with the request that causes them (<see cref="WriteAsync"/>); an admin call's event (a login or consent
/// answer among them) and an issued token's are committed by <see cref="OAuth2.TokenWriter"/> before the answer, with
/// the token rows in flight (<see cref="RowFor"/>), so neither costs a commit of its own; a refused or revoked token's
/// is queued for <see cref="AuditBatchWriter"/> (<see cref="Enqueue"/>).
/// </summary>
public sealed partial class AuditTrail(AuditBatchWriter batch, TimeProvider time, ILogger<AuditTrail> logger)
{
    public async Task WriteAsync(GlintDbContext db, AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(record);
        db.AuditEvents.Add(record.ToRow(time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        Log(record);
    }

    /// <summary>
    /// The event's row, for a caller that stores it in a write of its own (the token writer, in the same commit as the
    /// token); the log line is written at once.
    /// </summary>
    internal AuditEvent RowFor(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var row = record.ToRow(time.GetUtcNow());
        Log(record);
        return row;
    }

    /// <summary>
    /// Stores the event through <paramref name="write"/>, a write of the caller's that may decline to store it (false):
    /// the log line follows only a row that was stored.
    /// </summary>
    internal async Task<bool> WriteThroughAsync(AuditRecord record, Func<AuditEvent, Task<bool>> write)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(write);
        if (!await write(record.ToRow(time.GetUtcNow())))
        {
            return false;
        }

        Log(record);
        return true;
    }

    /// <summary>
    /// Queues the event for the next batch. Its row can be lost if the process dies within the flush window (the
    /// token row it describes is durable already); the log line is written at once.
    /// </summary>
    public void Enqueue(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        batch.Add(record.ToRow(time.GetUtcNow()));
        Log(record);
    }

    private void Log(AuditRecord record)
    {
        if (record.Action == AuditActions.TokenIssued)
        {
            // One per token: at Debug, so the default level adds no log line to the token endpoint.
            LogTokenIssued(logger, record.ActorKind, record.Subject, record.ClientId, record.Target, record.RemoteAddress);
        }
        else if (record.PerFlow)
        {
            LogFlowAnswer(logger, record.Action, record.ActorKind, record.Subject, record.ClientId, record.Target, record.RemoteAddress);
        }
        else
        {
            LogEvent(logger, record.Action, record.ActorKind, record.Subject, record.ClientId, record.Target, record.Reason, record.RemoteAddress);
        }
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Information,
        Message = "Audit {Action}: by {ActorKind}, subject {Subject}, client {ClientId}, target {Target}, reason {Reason}, from {RemoteAddress}")]
    private static partial void LogEvent(ILogger logger, string action, string actorKind, string? subject, string? clientId, string? target, string? reason, string? remoteAddress);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Debug,
        Message = "Audit token.issued: by {ActorKind}, subject {Subject}, client {ClientId}, grant {Target}, from {RemoteAddress}")]
    private static partial void LogTokenIssued(ILogger logger, string actorKind, string? subject, string? clientId, string? target, string? remoteAddress);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Debug,
        Message = "Audit {Action}: by {ActorKind}, subject {Subject}, client {ClientId}, target {Target}, from {RemoteAddress}")]
    private static partial void LogFlowAnswer(ILogger logger, string action, string actorKind, string? subject, string? clientId, string? target, string? remoteAddress);
}
