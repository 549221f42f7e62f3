using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class LnAddressPaymentSendInputType : InputObjectGraphType
{
    public LnAddressPaymentSendInputType()
    {
        Name = "LnAddressPaymentSendInput";
        Field<NonNullGraphType<SatAmountType>>("amount").Description("Amount in satoshis.");
        Field<NonNullGraphType<StringGraphType>>("lnAddress").Description("Lightning address to send to.");
        Field<NonNullGraphType<WalletIdType>>("walletId").Description("Wallet ID to send bitcoin from.");
    }
}

public sealed class LnurlPaymentSendInputType : InputObjectGraphType
{
    public LnurlPaymentSendInputType()
    {
        Name = "LnurlPaymentSendInput";
        Field<NonNullGraphType<SatAmountType>>("amount").Description("Amount in satoshis.");
        Field<NonNullGraphType<StringGraphType>>("lnurl").Description("Lnurl string to send to.");
        Field<NonNullGraphType<WalletIdType>>("walletId").Description("Wallet ID to send bitcoin from.");
    }
}
