using Glint.Api.Errors;
using Glint.Api.Scalars;
using Glint.Data.Wallets;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class LnInvoicePayloadType : ObjectGraphType<LnInvoicePayloadType.Source>
{
    public LnInvoicePayloadType()
    {
        Name = "LnInvoicePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<LnInvoiceType>("invoice").Resolve(context => context.Source.Invoice);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, LightningInvoice? Invoice);
}

public sealed class LnNoAmountInvoicePayloadType : ObjectGraphType<LnInvoicePayloadType.Source>
{
    public LnNoAmountInvoicePayloadType()
    {
        Name = "LnNoAmountInvoicePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<LnNoAmountInvoiceType>("invoice").Resolve(context => context.Source.Invoice);
    }
}

public sealed class SatAmountPayloadType : ObjectGraphType<SatAmountPayloadType.Source>
{
    public SatAmountPayloadType()
    {
        Name = "SatAmountPayload";
        Field<SatAmountType>("amount").Resolve(context => context.Source.Amount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, long? Amount);
}

/// <summary>A fee in cents, for a USD wallet.</summary>
public sealed class CentAmountPayloadType : ObjectGraphType<SatAmountPayloadType.Source>
{
    public CentAmountPayloadType()
    {
        Name = "CentAmountPayload";
        Field<CentAmountType>("amount").Resolve(context => context.Source.Amount);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
    }
}

/// <summary>An invoice's status as the status queries and subscriptions answer it; all null for an unknown invoice.</summary>
public sealed record InvoiceStatusSource(IReadOnlyList<ApiError> Errors, string? PaymentHash, string? PaymentRequest, string? Status);

public sealed class LnInvoicePaymentStatusType : ObjectGraphType<InvoiceStatusSource>
{
    public LnInvoicePaymentStatusType()
    {
        Name = "LnInvoicePaymentStatus";
        Field<PaymentHashType>("paymentHash").Resolve(context => context.Source.PaymentHash);
        Field<LnPaymentRequestType>("paymentRequest").Resolve(context => context.Source.PaymentRequest);
        Field<InvoicePaymentStatusType>("status").Resolve(context => context.Source.Status);
    }
}

public sealed class LnInvoicePaymentStatusPayloadType : ObjectGraphType<InvoiceStatusSource>
{
    public LnInvoicePaymentStatusPayloadType()
    {
        Name = "LnInvoicePaymentStatusPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<PaymentHashType>("paymentHash").Resolve(context => context.Source.PaymentHash);
        Field<LnPaymentRequestType>("paymentRequest").Resolve(context => context.Source.PaymentRequest);
        Field<InvoicePaymentStatusType>("status").Resolve(context => context.Source.Status);
    }
}
