using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>
/// Blink's two inputs for paying another wallet of this server, which differ only in the amount's unit:
/// <c>IntraLedgerPaymentSendInput</c> in sats (<see cref="SatAmountType"/>) and <c>IntraLedgerUsdPaymentSendInput</c>
/// in US cents (<see cref="CentAmountType"/>).
/// </summary>
public sealed class IntraLedgerPaymentSendInputType<TAmount> : InputObjectGraphType<PaymentInput>
    where TAmount : IntegerScalarType
{
    public IntraLedgerPaymentSendInputType()
    {
        var cents = typeof(TAmount) == typeof(CentAmountType);
        Name = cents ? "IntraLedgerUsdPaymentSendInput" : "IntraLedgerPaymentSendInput";
        Field<NonNullGraphType<TAmount>>("amount").Description(cents ? "How many US cents to send." : "How many sats to send.");
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
