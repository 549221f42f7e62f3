using Glint.Data.Wallets;

namespace Glint.Wallets.Invoices;

/// <summary>
/// How invoice statuses are stored. EXPIRED is not stored: a PENDING invoice is expired once its time has passed,
/// so no job has to sweep them and every node agrees.
/// </summary>
public static class InvoiceStatuses
{
    public const string Pending = "PENDING";
    public const string Paid = "PAID";
    public const string Expired = "EXPIRED";
    public const string Cancelled = "CANCELLED";

    /// <summary>PENDING, PAID, EXPIRED or CANCELLED, at <paramref name="now"/>.</summary>
    public static string Of(LightningInvoice invoice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Status == Pending && now >= invoice.ExpiresAt ? Expired : invoice.Status;
    }
}
