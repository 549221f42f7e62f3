using Glint.Api.Access;
using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Wallets.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PaymentSendPayloadType : ObjectGraphType<PaymentSendPayloadType.Source>
{
    public PaymentSendPayloadType()
    {
        Name = "PaymentSendPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<PaymentSendResultType>("status").Resolve(context => context.Source.Status);
        // Read only when asked for: most apps select errors and status, and a payment should not pay for two more queries.
        Field<TransactionType>("transaction").Description("The payer's side of the payment.").ResolveAsync(async context =>
            context.Source.EntryId is { } entryId
                ? await context.Service<WalletQueries>().FindEntryTransactionAsync(entryId, context.Source.WalletId, context.CancellationToken)
                : null);
    }

    /// <summary>
    /// <paramref name="Status"/> is a <c>PaymentSendResult</c> value (SUCCESS, FAILURE, …) or null; the transaction is
    /// the payer's posting in <paramref name="EntryId"/> on <paramref name="WalletId"/>.
    /// </summary>
    public sealed record Source(IReadOnlyList<ApiError> Errors, string? Status, Guid? EntryId = null, Guid WalletId = default);
}
