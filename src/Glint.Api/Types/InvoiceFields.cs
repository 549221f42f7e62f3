using Glint.Api.Access;
using Glint.Api.Scalars;
using Glint.Data.Wallets;
using Glint.Wallets.Invoices;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>The fields of Blink's <c>Invoice</c> interface, shared by <c>LnInvoice</c> and <c>LnNoAmountInvoice</c>.</summary>
public static class InvoiceFields
{
    public static void AddTo(ObjectGraphType<LightningInvoice> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type.Field<NonNullGraphType<TimestampType>>("createdAt").Resolve(context => context.Source.CreatedAt);
        type.Field<NonNullGraphType<TxExternalIdType>>("externalId").Description("The external id given at creation; the payment hash without one.")
            .Resolve(context => context.Source.ExternalId ?? context.Source.PaymentHash);
        type.Field<NonNullGraphType<PaymentHashType>>("paymentHash").Resolve(context => context.Source.PaymentHash);
        type.Field<NonNullGraphType<LnPaymentRequestType>>("paymentRequest").Resolve(context => context.Source.PaymentRequest);
        type.Field<NonNullGraphType<LnPaymentSecretType>>("paymentSecret").Description("The invoice's payment secret (not the preimage).")
            .Resolve(context => context.Source.PaymentSecret);
        type.Field<NonNullGraphType<InvoicePaymentStatusType>>("paymentStatus")
            .Resolve(context => InvoicePaymentStatusType.Of(InvoiceStatuses.Of(context.Source, context.Service<TimeProvider>().GetUtcNow())));
    }
}

public sealed class LnInvoiceType : ObjectGraphType<LightningInvoice>
{
    public LnInvoiceType()
    {
        Name = "LnInvoice";
        Description = "A Lightning invoice with an amount.";
        InvoiceFields.AddTo(this);
        Field<NonNullGraphType<SatAmountType>>("satoshis").Resolve(context => context.Source.AmountSats ?? 0);
        Interface<InvoiceType>();
        IsTypeOf = value => value is LightningInvoice { AmountSats: not null };
    }
}

public sealed class LnNoAmountInvoiceType : ObjectGraphType<LightningInvoice>
{
    public LnNoAmountInvoiceType()
    {
        Name = "LnNoAmountInvoice";
        Description = "A Lightning invoice without an amount: the payer chooses it.";
        InvoiceFields.AddTo(this);
        Interface<InvoiceType>();
        IsTypeOf = value => value is LightningInvoice { AmountSats: null };
    }
}

public sealed class InvoiceType : InterfaceGraphType<LightningInvoice>
{
    public InvoiceType()
    {
        Name = "Invoice";
        Description = "A lightning invoice.";
        InterfaceFields.DeclareFrom(this, new LnNoAmountInvoiceType());
        Type<LnInvoiceType>();
        Type<LnNoAmountInvoiceType>();
    }
}

public sealed class InvoiceConnectionType : ObjectGraphType<InvoicePage>
{
    public InvoiceConnectionType()
    {
        Name = "InvoiceConnection";
        Description = "A page of invoices (a Relay connection).";
        Field<ListGraphType<NonNullGraphType<InvoiceEdgeType>>>("edges").Resolve(context => context.Source.Items);
        Field<NonNullGraphType<PageInfoType>>("pageInfo").Resolve(context => PageInfoType.Source.Of(context.Source));
    }
}

public sealed class InvoiceEdgeType : ObjectGraphType<LightningInvoice>
{
    public InvoiceEdgeType()
    {
        Name = "InvoiceEdge";
        Field<NonNullGraphType<StringGraphType>>("cursor").Resolve(context => context.Source.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<InvoiceType>>("node").Resolve(context => context.Source);
    }
}
