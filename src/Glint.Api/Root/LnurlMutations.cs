using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.LightningAddresses;
using Glint.Api.Types;
using Glint.Wallets.Invoices;
using Glint.Wallets.Payments;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>
/// <c>lnAddressPaymentSend</c> and <c>lnurlPaymentSend</c> through <see cref="LnurlPayments"/>, with the request's
/// <c>X-Idempotency-Key</c>. Failures come back in the payload's <c>errors</c> with status FAILURE, as in Blink.
/// </summary>
public static class LnurlMutations
{
    public static async Task<PaymentSendPayloadType.Source> SendAsync(IResolveFieldContext context, string targetField)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = LightningInput.Of(context);
        var walletId = input.Guid("walletId");
        var outcome = await context.Service<LnurlPayments>().PayAsync(context.Account(), walletId, input.String(targetField)!, targetField,
            input.Long("amount")!.Value, context.IdempotencyKey(), context.CancellationToken);
        if (outcome.Status == InvoicePaymentOutcome.Failure)
        {
            return new([ApiError.From(outcome.Error ?? PaymentError.InvalidWallet)], outcome.Status);
        }

        return new([], outcome.Status, outcome.EntryId, walletId);
    }
}
