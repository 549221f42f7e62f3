using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Ledger;
using Glint.Wallet.Payments;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>
/// <c>intraLedgerPaymentSend</c> and <c>intraLedgerUsdPaymentSend</c>: one ledger entry through <see cref="PaymentService"/>,
/// with the request's <c>X-Idempotency-Key</c>, so that a retry returns the first payment instead of paying twice.
/// Domain failures (balance, wallets, amount) come back in the payload's <c>errors</c> with status FAILURE.
/// </summary>
public static class PaymentMutations
{
    public static async Task<PaymentSendPayloadType.Source> SendAsync(IResolveFieldContext context, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<PaymentInput>("input");
        var outcome = await context.Service<PaymentService>().PayAsync(context.Account(), input.WalletId, input.RecipientWalletId,
            input.Amount, currency, input.Memo, context.IdempotencyKey(), context.CancellationToken);
        if (outcome.Status != PaymentStatus.Success || outcome.EntryId is not { } entryId)
        {
            return new([ApiError.From(outcome.Error ?? PaymentError.InvalidWallet)], "FAILURE");
        }

        return new([], "SUCCESS", entryId, input.WalletId);
    }
}
