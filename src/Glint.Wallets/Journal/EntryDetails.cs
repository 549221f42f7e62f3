using System.Text.Json;
using System.Text.Json.Serialization;

namespace Glint.Wallets.Journal;

/// <summary>What the API shows about a movement beyond its postings: who paid whom, and at which price.</summary>
public sealed record EntryDetails
{
    /// <summary>The usernames' keys, which a payment's write may fill in from the accounts as they are then (see <see cref="PayerCheck"/>).</summary>
    public const string PayerUsernameKey = "payer_username";
    public const string ReceiverUsernameKey = "receiver_username";

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    [JsonPropertyName("payer_wallet")] public Guid? PayerWalletId { get; init; }
    [JsonPropertyName(PayerUsernameKey)] public string? PayerUsername { get; init; }
    [JsonPropertyName("receiver_wallet")] public Guid? ReceiverWalletId { get; init; }
    [JsonPropertyName(ReceiverUsernameKey)] public string? ReceiverUsername { get; init; }

    /// <summary>The BTC/USD price the movement was settled at, in cents per bitcoin.</summary>
    [JsonPropertyName("cents_per_btc")] public long CentsPerBitcoin { get; init; }

    /// <summary>For a paid Lightning invoice: its payment hash, the invoice, and the preimage that proves the payment.</summary>
    [JsonPropertyName("payment_hash")] public string? PaymentHash { get; init; }
    [JsonPropertyName("payment_request")] public string? PaymentRequest { get; init; }
    [JsonPropertyName("preimage")] public string? Preimage { get; init; }

    /// <summary>For a payment to a Lightning address or LNURL of this server, settled in the ledger: the address or LNURL the payer used.</summary>
    [JsonPropertyName("lnurl")] public string? Lnurl { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, Options);

    public static EntryDetails Parse(string json) => JsonSerializer.Deserialize<EntryDetails>(json) ?? new EntryDetails();
}
