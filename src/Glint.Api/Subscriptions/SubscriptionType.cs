using Glint.Api.Types;
using Glint.Wallets.Events;
using GraphQL;
using GraphQL.Types;

namespace Glint.Api.Subscriptions;

/// <summary>The subscriptions, served over graphql-ws at <c>/graphql</c>: invoice statuses and prices for anyone, <c>myUpdates</c> for the caller.</summary>
public sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType()
    {
        Name = "Subscription";
        Field<NonNullGraphType<LnInvoicePaymentStatusPayloadType>>("lnInvoicePaymentStatusByHash")
            .Argument<NonNullGraphType<LnInvoicePaymentStatusByHashInputType>>("input")
            .Resolve(context => context.Source)
            .ResolveStreamAsync(InvoiceStatusSubscription.SubscribeAsync);
        Field<NonNullGraphType<LnInvoicePaymentStatusPayloadType>>("lnInvoicePaymentStatusByPaymentRequest")
            .Argument<NonNullGraphType<LnInvoicePaymentStatusByPaymentRequestInputType>>("input")
            .Resolve(context => context.Source)
            .ResolveStreamAsync(InvoiceStatusSubscription.SubscribeAsync);
        Field<NonNullGraphType<LnInvoicePaymentStatusPayloadType>>("lnInvoicePaymentStatus")
            .DeprecationReason("Deprecated in favor of lnInvoicePaymentStatusByPaymentRequest")
            .Argument<NonNullGraphType<LnInvoicePaymentStatusInputType>>("input")
            .Resolve(context => context.Source)
            .ResolveStreamAsync(InvoiceStatusSubscription.SubscribeAsync);
        Field<NonNullGraphType<MyUpdatesPayloadType>>("myUpdates")
            .ResolveAsync(async context => await MyUpdatesSubscription.PayloadAsync(context.As<WalletEvent>()))
            .ResolveStreamAsync(MyUpdatesSubscription.SubscribeAsync);
        Field<NonNullGraphType<PricePayloadType>>("price")
            .Argument<NonNullGraphType<PriceInputType>>("input")
            .Resolve(context => context.Source)
            .ResolveStream(PriceSubscriptions.SubscribePrice);
        Field<NonNullGraphType<RealtimePricePayloadType>>("realtimePrice").Description("Returns the price of 1 satoshi")
            .Argument<NonNullGraphType<RealtimePriceInputType>>("input")
            .Resolve(context => context.Source)
            .ResolveStream(PriceSubscriptions.SubscribeRealtimePrice);
    }
}
