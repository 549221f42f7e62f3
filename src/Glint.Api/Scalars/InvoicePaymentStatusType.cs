using GraphQL.Types;

namespace Glint.Api.Scalars;

/// <summary>An invoice's status as Blink shows it; a cancelled invoice shows as EXPIRED, since it can no longer be paid.</summary>
public sealed class InvoicePaymentStatusType : EnumerationGraphType
{
    public InvoicePaymentStatusType()
    {
        Name = "InvoicePaymentStatus";
        Add("EXPIRED", "EXPIRED");
        Add("PAID", "PAID");
        Add("PENDING", "PENDING");
    }

    public static string Of(string status) => status == Wallets.Invoices.InvoiceStatuses.Cancelled ? "EXPIRED" : status;
}
