using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glint.Wallets.Events;

/// <summary>
/// Something a subscriber may want to hear about at once: an invoice created or paid, money sent or received.
/// Events carry ids only; subscribers read the current state, so an event is small enough for a PostgreSQL NOTIFY.
/// </summary>
public sealed record WalletEvent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("account")] Guid AccountId,
    [property: JsonPropertyName("wallet")] Guid WalletId,
    [property: JsonPropertyName("hash")] string? PaymentHash = null,
    [property: JsonPropertyName("entry")] Guid? EntryId = null)
{
    public const string InvoiceCreated = "invoice_created";
    public const string InvoicePaid = "invoice_paid";
    public const string InvoiceCancelled = "invoice_cancelled";
    public const string PaymentSent = "payment_sent";
    public const string PaymentReceived = "payment_received";

    public string Serialize() => JsonSerializer.Serialize(this);

    public static WalletEvent? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<WalletEvent>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
