using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Wallet.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PaymentSendPayloadType : ObjectGraphType<PaymentSendPayloadType.Source>
{
    public PaymentSendPayloadType()
    {
        Name = "PaymentSendPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<PaymentSendResultType>("status").Resolve(context => context.Source.Status);
        Field<TransactionType>("transaction").Description("The payer's side of the payment.").Resolve(context => context.Source.Transaction);
    }

    /// <summary><paramref name="Status"/> is a <c>PaymentSendResult</c> value (SUCCESS, FAILURE, …) or null.</summary>
    public sealed record Source(IReadOnlyList<ApiError> Errors, string? Status, WalletTransaction? Transaction);
}
