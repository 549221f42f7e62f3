using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Api.Types;
using Glint.Data.Wallets;
using Glint.Wallets.Invoices;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>
/// An invoice's payment status, for anyone who has its hash or its payment request (the PoS shows a QR code and
/// waits): the queries answer it now, the subscriptions answer it now and on every change.
/// </summary>
public static class InvoiceStatusQueries
{
    public const string NotFoundMessage = "Invoice not found";

    /// <summary>The invoice of the input's <c>paymentHash</c>, or of its <c>paymentRequest</c>; null when this server has none.</summary>
    public static async Task<LightningInvoice?> FindAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = LightningInput.Of(context);
        var invoices = context.Service<InvoiceQueries>();
        return input.String("paymentHash") is { } hash
            ? await invoices.FindAsync(hash, context.CancellationToken)
            : await invoices.FindByPaymentRequestAsync(input.String("paymentRequest")!, context.CancellationToken);
    }

    public static InvoiceStatusSource Status(IResolveFieldContext context, LightningInvoice invoice)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(invoice);
        var status = InvoicePaymentStatusType.Of(InvoiceStatuses.Of(invoice, context.Service<TimeProvider>().GetUtcNow()));
        return new InvoiceStatusSource([], invoice.PaymentHash, invoice.PaymentRequest, status);
    }

    /// <summary><c>lnInvoicePaymentStatusByHash</c> and <c>…ByPaymentRequest</c>: an unknown invoice is a NOT_FOUND error.</summary>
    public static async Task<InvoiceStatusSource> StatusAsync(IResolveFieldContext context) =>
        await FindAsync(context) is { } invoice ? Status(context, invoice) : throw ApiErrors.NotFound(NotFoundMessage);

    /// <summary>The deprecated <c>lnInvoicePaymentStatus</c>: an unknown invoice is an error in the payload.</summary>
    public static async Task<InvoiceStatusSource> PayloadAsync(IResolveFieldContext context) =>
        await FindAsync(context) is { } invoice ? Status(context, invoice) : new InvoiceStatusSource([new ApiError("NOT_FOUND", NotFoundMessage)], null, null, null);
}
