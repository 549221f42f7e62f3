namespace Glint.Wallets.Invoices;

public enum InvoiceKind
{
    /// <summary>An amount in sats, for a BTC wallet (<c>lnInvoiceCreate</c>).</summary>
    Btc,

    /// <summary>An amount in cents, for a USD wallet, converted to sats at the current price (<c>lnUsdInvoiceCreate</c>).</summary>
    Usd,

    /// <summary>No amount: the payer chooses (<c>lnNoAmountInvoiceCreate</c>), for either wallet.</summary>
    NoAmount,

    /// <summary>
    /// An amount in sats, for a USD wallet, credited with the cents those sats are worth at the current price (rounded
    /// down): <c>lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient</c>, and what a payer of a Lightning address asks
    /// for when the recipient's default wallet is in USD.
    /// </summary>
    UsdInSats,
}

/// <summary>
/// What an invoice is asked for. <see cref="CallerAccountId"/> is the authenticated caller, who must own the wallet;
/// null when the invoice is created on the recipient's behalf, by anyone.
/// </summary>
public sealed record InvoiceRequest(
    Guid WalletId, Guid? CallerAccountId, InvoiceKind Kind, long? Amount, string? Memo, string? DescriptionHash, int? ExpiresInMinutes, string? ExternalId)
{
    public bool OnBehalfOfRecipient => CallerAccountId is null;
}
