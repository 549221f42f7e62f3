using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class IntraLedgerPaymentSendInputType : InputObjectGraphType<PaymentInput>
{
    public IntraLedgerPaymentSendInputType()
    {
        Name = "IntraLedgerPaymentSendInput";
        Field<NonNullGraphType<SatAmountType>>("amount").Description("How many sats to send.");
        Field<MemoType>("memo").Description("A note for both sides of the payment.");
        Field<NonNullGraphType<WalletIdType>>("recipientWalletId");
        Field<NonNullGraphType<WalletIdType>>("walletId").Description("The caller's wallet to pay from.");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new PaymentInput((Guid)value["walletId"]!, (Guid)value["recipientWalletId"]!, (long)value["amount"]!,
            value.TryGetValue("memo", out var memo) ? memo as string : null);
    }
}
