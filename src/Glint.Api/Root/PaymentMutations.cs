using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Types;
using Glint.Ledger;
using Glint.Wallets.Payments;
using GraphQL;

namespace Glint.Api.Root;

/// <summary>
/// <c>intraLedgerPaymentSend</c> and <c>intraLedgerUsdPaymentSend</c>: one ledger entry through <see cref="PaymentService"/>,
/// with the request's <c>X-Idempotency-Key</c>, so that a retry returns the first payment instead of paying twice.
/// Domain failures (balance, wallets, amount) come back in the payload's <c>errors</c> with status FAILURE. A payment
/// between wallets this node knows is one write that also checks the caller's account
/// (<see cref="AccessRules.RequiresCheckedByWrite{TSource, TReturn}"/>); anything else takes the usual checks first.
/// </summary>
public static class PaymentMutations
{
    public static async Task<PaymentSendPayloadType.Source> SendAsync(IResolveFieldContext context, Currency currency)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.GetArgument<PaymentInput>("input");
        var payments = context.Service<PaymentService>();
        var caller = context.Caller();
        // The payment's write checks the account (the field's rule leaves it to the write); whenever it cannot, the
        // rule's own check runs first, then the payment as it always did.
        var outcome = caller.Account is null && caller.UserId is { } userId
            ? await payments.TryPayInOneWriteAsync(userId, input.WalletId, input.RecipientWalletId, input.Amount, currency, input.Memo,
                context.IdempotencyKey(), context.CancellationToken)
            : null;
        if (outcome is null)
        {
            await AccessRules.CheckAccountAsync(context);
            outcome = await payments.PayAsync(context.Account(), input.WalletId, input.RecipientWalletId,
                input.Amount, currency, input.Memo, context.IdempotencyKey(), context.CancellationToken);
        }

        if (outcome.Status != PaymentStatus.Success || outcome.EntryId is not { } entryId)
        {
            return new([ApiError.From(outcome.Error ?? PaymentError.InvalidWallet)], "FAILURE");
        }

        return new([], "SUCCESS", entryId, input.WalletId);
    }
}
