using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Ledger;
using Glint.Wallets.Invoices;
using Glint.Wallets.Payments;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>
/// The Lightning mutations: creating invoices (for the caller's wallet, or on a recipient's behalf without
/// credentials), cancelling them, probing fees and paying invoices. Domain failures come back in the payload's
/// <c>errors</c>, as in Blink.
/// </summary>
public static class InvoiceMutations
{
    public static async Task<LnInvoicePayloadType.Source> CreateAsync(IResolveFieldContext context, InvoiceKind kind, bool onBehalfOfRecipient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = LightningInput.Of(context);
        var request = new InvoiceRequest(
            input.Guid(onBehalfOfRecipient ? "recipientWalletId" : "walletId"),
            onBehalfOfRecipient ? null : context.Account().Id,
            kind,
            kind == InvoiceKind.NoAmount ? null : input.Long("amount"),
            input.String("memo"),
            input.String("descriptionHash"),
            (int?)input.Long("expiresIn"),
            input.String("externalId"));
        var (invoice, error) = await context.Service<InvoiceIssuer>().CreateAsync(request, context.CancellationToken);
        return new(error is null ? [] : [ApiError.From(error)], invoice);
    }

    public static async Task<SuccessPayloadType.Source> CancelAsync(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = LightningInput.Of(context);
        var error = await context.Service<InvoiceIssuer>()
            .CancelAsync(context.Account().Id, input.Guid("walletId"), input.String("paymentHash")!, context.CancellationToken);
        return error is null ? new([], true) : new([ApiError.From(error)], false);
    }

    /// <summary>
    /// <paramref name="walletCurrency"/> is the currency the wallet must be in (each of Blink's four probes takes one),
    /// and that of the input's amount (if it has one) and of the fee answered.
    /// </summary>
    public static async Task<SatAmountPayloadType.Source> ProbeAsync(IResolveFieldContext context, Currency walletCurrency)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = LightningInput.Of(context);
        var (fee, error) = await context.Service<InvoicePayments>().ProbeAsync(context.Account().Id, input.Guid("walletId"), input.String("paymentRequest")!,
            input.Long("amount"), walletCurrency, context.CancellationToken);
        return error is null ? new([], fee) : new([ApiError.From(error)], null);
    }

    public static async Task<PaymentSendPayloadType.Source> PayAsync(IResolveFieldContext context, Currency? amountCurrency)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = LightningInput.Of(context);
        var walletId = input.Guid("walletId");
        var outcome = await context.Service<InvoicePayments>().PayAsync(context.Account().Id, walletId, input.String("paymentRequest")!,
            amountCurrency is null ? null : input.Long("amount"), amountCurrency, input.String("memo"), context.IdempotencyKey(), context.CancellationToken);
        if (outcome.Status == InvoicePaymentOutcome.Failure)
        {
            return new([ApiError.From(outcome.Error ?? PaymentError.InvalidWallet)], outcome.Status);
        }

        return new([], outcome.Status, outcome.EntryId, walletId);
    }
}
