using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

// The inputs of the Lightning mutations and queries, with Blink's names and fields. They parse to their field
// dictionaries; the resolvers read them with LightningInput.

public sealed class LnInvoiceCreateInputType : InputObjectGraphType
{
    public LnInvoiceCreateInputType()
    {
        Name = "LnInvoiceCreateInput";
        Field<NonNullGraphType<SatAmountType>>("amount").Description("Amount in satoshis.");
        Field<MinutesType>("expiresIn").Description("Optional invoice expiration time in minutes.");
        Field<TxExternalIdType>("externalId");
        Field<MemoType>("memo").Description("Optional memo for the lightning invoice.");
        Field<NonNullGraphType<WalletIdType>>("walletId").Description("Wallet ID for a BTC wallet belonging to the current account.");
    }
}

public sealed class LnUsdInvoiceCreateInputType : InputObjectGraphType
{
    public LnUsdInvoiceCreateInputType()
    {
        Name = "LnUsdInvoiceCreateInput";
        Field<NonNullGraphType<CentAmountType>>("amount").Description("Amount in USD cents.");
        Field<MinutesType>("expiresIn").Description("Optional invoice expiration time in minutes.");
        Field<TxExternalIdType>("externalId");
        Field<MemoType>("memo").Description("Optional memo for the lightning invoice.");
        Field<NonNullGraphType<WalletIdType>>("walletId").Description("Wallet ID for a USD wallet belonging to the current user.");
    }
}

public sealed class LnNoAmountInvoiceCreateInputType : InputObjectGraphType
{
    public LnNoAmountInvoiceCreateInputType()
    {
        Name = "LnNoAmountInvoiceCreateInput";
        Field<MinutesType>("expiresIn").Description("Optional invoice expiration time in minutes.");
        Field<TxExternalIdType>("externalId");
        Field<MemoType>("memo").Description("Optional memo for the lightning invoice.");
        Field<NonNullGraphType<WalletIdType>>("walletId").Description("ID for either a USD or BTC wallet belonging to the account of the current user.");
    }
}

public sealed class LnInvoiceCreateOnBehalfOfRecipientInputType : InputObjectGraphType
{
    public LnInvoiceCreateOnBehalfOfRecipientInputType()
    {
        Name = "LnInvoiceCreateOnBehalfOfRecipientInput";
        Field<NonNullGraphType<SatAmountType>>("amount").Description("Amount in satoshis.");
        Field<Hex32BytesType>("descriptionHash");
        Field<MinutesType>("expiresIn").Description("Optional invoice expiration time in minutes.");
        Field<TxExternalIdType>("externalId");
        Field<MemoType>("memo").Description("Optional memo for the lightning invoice.");
        Field<NonNullGraphType<WalletIdType>>("recipientWalletId").Description("Wallet ID for a BTC wallet which belongs to any account.");
    }
}

public sealed class LnUsdInvoiceCreateOnBehalfOfRecipientInputType : InputObjectGraphType
{
    public LnUsdInvoiceCreateOnBehalfOfRecipientInputType()
    {
        Name = "LnUsdInvoiceCreateOnBehalfOfRecipientInput";
        Field<NonNullGraphType<CentAmountType>>("amount").Description("Amount in USD cents.");
        Field<Hex32BytesType>("descriptionHash");
        Field<MinutesType>("expiresIn").Description("Optional invoice expiration time in minutes.");
        Field<TxExternalIdType>("externalId");
        Field<MemoType>("memo").Description("Optional memo for the lightning invoice. Acts as a note to the recipient.");
        Field<NonNullGraphType<WalletIdType>>("recipientWalletId").Description("Wallet ID for a USD wallet which belongs to the account of any user.");
    }
}

/// <summary>An amount in sats for a USD wallet: the wallet is credited the cents those sats are worth when the invoice is made.</summary>
public sealed class LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInputType : InputObjectGraphType
{
    public LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInputType()
    {
        Name = "LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInput";
        Field<NonNullGraphType<SatAmountType>>("amount").Description("Amount in satoshis.");
        Field<Hex32BytesType>("descriptionHash");
        Field<MinutesType>("expiresIn").Description("Optional invoice expiration time in minutes.");
        Field<TxExternalIdType>("externalId");
        Field<MemoType>("memo").Description("Optional memo for the lightning invoice. Acts as a note to the recipient.");
        Field<NonNullGraphType<WalletIdType>>("recipientWalletId").Description("Wallet ID for a USD wallet which belongs to the account of any user.");
    }
}

public sealed class LnNoAmountInvoiceCreateOnBehalfOfRecipientInputType : InputObjectGraphType
{
    public LnNoAmountInvoiceCreateOnBehalfOfRecipientInputType()
    {
        Name = "LnNoAmountInvoiceCreateOnBehalfOfRecipientInput";
        Field<MinutesType>("expiresIn").Description("Optional invoice expiration time in minutes.");
        Field<TxExternalIdType>("externalId");
        Field<MemoType>("memo").Description("Optional memo for the lightning invoice.");
        Field<NonNullGraphType<WalletIdType>>("recipientWalletId").Description("ID for either a USD or BTC wallet which belongs to the account of any user.");
    }
}

public sealed class LnInvoiceCancelInputType : InputObjectGraphType
{
    public LnInvoiceCancelInputType()
    {
        Name = "LnInvoiceCancelInput";
        Field<NonNullGraphType<PaymentHashType>>("paymentHash");
        Field<NonNullGraphType<WalletIdType>>("walletId").Description("Wallet ID for a wallet associated with the current account.");
    }
}

public sealed class LnInvoiceFeeProbeInputType : InputObjectGraphType
{
    public LnInvoiceFeeProbeInputType()
    {
        Name = "LnInvoiceFeeProbeInput";
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest");
        Field<NonNullGraphType<WalletIdType>>("walletId");
    }
}

public sealed class LnNoAmountInvoiceFeeProbeInputType : InputObjectGraphType
{
    public LnNoAmountInvoiceFeeProbeInputType()
    {
        Name = "LnNoAmountInvoiceFeeProbeInput";
        Field<NonNullGraphType<SatAmountType>>("amount");
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest");
        Field<NonNullGraphType<WalletIdType>>("walletId");
    }
}

public sealed class LnUsdInvoiceFeeProbeInputType : InputObjectGraphType
{
    public LnUsdInvoiceFeeProbeInputType()
    {
        Name = "LnUsdInvoiceFeeProbeInput";
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest");
        Field<NonNullGraphType<WalletIdType>>("walletId");
    }
}

public sealed class LnNoAmountUsdInvoiceFeeProbeInputType : InputObjectGraphType
{
    public LnNoAmountUsdInvoiceFeeProbeInputType()
    {
        Name = "LnNoAmountUsdInvoiceFeeProbeInput";
        Field<NonNullGraphType<CentAmountType>>("amount");
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest");
        Field<NonNullGraphType<WalletIdType>>("walletId");
    }
}

public sealed class LnInvoicePaymentInputType : InputObjectGraphType
{
    public LnInvoicePaymentInputType()
    {
        Name = "LnInvoicePaymentInput";
        Field<MemoType>("memo").Description("Optional memo to associate with the lightning invoice.");
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest").Description("Payment request representing the invoice which is being paid.");
        Field<NonNullGraphType<WalletIdType>>("walletId")
            .Description("Wallet ID with sufficient balance to cover amount of invoice.  Must belong to the account of the current user.");
    }
}

public sealed class LnNoAmountInvoicePaymentInputType : InputObjectGraphType
{
    public LnNoAmountInvoicePaymentInputType()
    {
        Name = "LnNoAmountInvoicePaymentInput";
        Field<NonNullGraphType<SatAmountType>>("amount").Description("Amount to pay in satoshis.");
        Field<MemoType>("memo").Description("Optional memo to associate with the lightning invoice.");
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest").Description("Payment request representing the invoice which is being paid.");
        Field<NonNullGraphType<WalletIdType>>("walletId")
            .Description("Wallet ID with sufficient balance to cover amount defined in mutation request.  Must belong to the account of the current user.");
    }
}

public sealed class LnNoAmountUsdInvoicePaymentInputType : InputObjectGraphType
{
    public LnNoAmountUsdInvoicePaymentInputType()
    {
        Name = "LnNoAmountUsdInvoicePaymentInput";
        Field<NonNullGraphType<CentAmountType>>("amount").Description("Amount to pay in USD cents.");
        Field<MemoType>("memo").Description("Optional memo to associate with the lightning invoice.");
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest").Description("Payment request representing the invoice which is being paid.");
        Field<NonNullGraphType<WalletIdType>>("walletId")
            .Description("Wallet ID with sufficient balance to cover amount defined in mutation request.  Must belong to the account of the current user.");
    }
}

public sealed class LnInvoicePaymentStatusByHashInputType : InputObjectGraphType
{
    public LnInvoicePaymentStatusByHashInputType()
    {
        Name = "LnInvoicePaymentStatusByHashInput";
        Field<NonNullGraphType<PaymentHashType>>("paymentHash");
    }
}

public sealed class LnInvoicePaymentStatusByPaymentRequestInputType : InputObjectGraphType
{
    public LnInvoicePaymentStatusByPaymentRequestInputType()
    {
        Name = "LnInvoicePaymentStatusByPaymentRequestInput";
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest");
    }
}

public sealed class LnInvoicePaymentStatusInputType : InputObjectGraphType
{
    public LnInvoicePaymentStatusInputType()
    {
        Name = "LnInvoicePaymentStatusInput";
        Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest");
    }
}
