namespace Glint.Data.Callbacks;

/// <summary>A URL an account has asked to be called at when money moves in or out of its wallets (Blink's <c>CallbackEndpoint</c>).</summary>
public sealed class CallbackEndpoint
{
    public Guid Id { get; set; }

    public Guid AccountId { get; set; }

    public required string Url { get; set; }

    /// <summary>The signing secret's key bytes, sealed with the system secret's key (AES-GCM, bound to the endpoint id).</summary>
    public required byte[] SealedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the first of the failures without a success since began; null while deliveries succeed.</summary>
    public DateTimeOffset? FailingSince { get; set; }

    /// <summary>Set once the endpoint has failed for too long: it gets no new deliveries and is not retried.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>
/// One event for one endpoint: written in the transaction of the ledger entry that causes it (the outbox), then sent
/// and retried by the dispatcher until the endpoint answers 2xx or the schedule is spent.
/// </summary>
public sealed class CallbackDelivery
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    /// <summary>Increasing with insertion.</summary>
    public long Id { get; set; }

    public Guid EndpointId { get; set; }

    /// <summary>The journal entry the event is about.</summary>
    public Guid EntryId { get; set; }

    /// <summary>The endpoint's account's wallet that the entry moved.</summary>
    public Guid WalletId { get; set; }

    /// <summary>Blink's event type: <c>send.intraledger</c>, <c>receive.lightning</c>, ….</summary>
    public required string EventType { get; set; }

    public string Status { get; set; } = Pending;

    /// <summary>Attempts started (counted when claimed, so an attempt cut short by a crash still counts).</summary>
    public int Attempts { get; set; }

    /// <summary>When the delivery is due; while an attempt runs, when its claim lapses. Null once delivered or failed.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    /// <summary>The HTTP status of the last answer; null when there was none (timeout, refused address, network error).</summary>
    public int? LastStatusCode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
