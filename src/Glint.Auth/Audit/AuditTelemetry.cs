using System.Diagnostics.Metrics;

namespace Glint.Auth.Audit;

/// <summary>The audit trail's metrics (meter <c>Glint.Audit</c>) and its log event ids, 4300–4399.</summary>
public static class AuditTelemetry
{
    public const string Name = "Glint.Audit";
    public const int FirstEventId = 4300;
    public const int LastEventId = 4399;

    private static readonly Meter Meter = new(Name);

    /// <summary>Queued audit events whose row was not stored (queue full or a failed batch); their log lines were written.</summary>
    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("glint.audit.events.dropped", "{event}", "Audit events logged but not stored");
}
