using System.Diagnostics.Metrics;

namespace Glint.Callbacks;

/// <summary>Webhook deliveries' metrics (meter <c>Glint.Callbacks</c>) and their log event ids, 7000–7099.</summary>
public static class CallbackTelemetry
{
    public const string Name = "Glint.Callbacks";
    public const int FirstEventId = 7000;
    public const int LastEventId = 7099;

    private static readonly Meter Meter = new(Name);

    /// <summary>Delivery attempts, by <c>outcome</c> (delivered, failed).</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("glint.webhook.deliveries", "{attempt}", "Webhook delivery attempts, delivered or failed");

    internal static readonly KeyValuePair<string, object?> Delivered = new("outcome", "delivered");
    internal static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");
}
