namespace Glint.Data.Wallets;

/// <summary>
/// A BOLT 11 invoice Glint issued for one of its wallets. Paying it inside Glint moves the money in the ledger and
/// marks it PAID in the same transaction; its <see cref="Status"/> only ever leaves PENDING once.
/// </summary>
public sealed class LightningInvoice
{
    /// <summary>Increasing with insertion: invoice lists page by it.</summary>
    public long Id { get; set; }

    /// <summary>SHA-256 of the preimage, lower-case hex; unique.</summary>
    public required string PaymentHash { get; set; }

    /// <summary>Revealed to the payer once the invoice is paid (the proof of payment), lower-case hex.</summary>
    public required string Preimage { get; set; }

    public required string PaymentSecret { get; set; }

    /// <summary>The encoded invoice (<c>lnbcrt…</c>).</summary>
    public required string PaymentRequest { get; set; }

    public Guid WalletId { get; set; }

    public Guid AccountId { get; set; }

    /// <summary>The receiving wallet's currency: BTC or USD.</summary>
    public required string Currency { get; set; }

    /// <summary>The amount the invoice asks for, in sats; null for an invoice without an amount.</summary>
    public long? AmountSats { get; set; }

    /// <summary>
    /// What the receiving wallet is credited, in its minor unit: the sats for a BTC invoice, the cents a USD invoice
    /// was created for (its sats were converted at creation); null without an amount.
    /// </summary>
    public long? CreditAmount { get; set; }

    public string? Memo { get; set; }

    public string? DescriptionHash { get; set; }

    public string? ExternalId { get; set; }

    /// <summary>PENDING, PAID or CANCELLED; a PENDING invoice past <see cref="ExpiresAt"/> is expired.</summary>
    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    /// <summary>The journal entry that paid it.</summary>
    public Guid? PaidEntryId { get; set; }
}
