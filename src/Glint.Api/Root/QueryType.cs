using Glint.Api.Access;
using Glint.Api.Prices;
using Glint.Api.Scalars;
using Glint.Api.Types;
using GraphQL.Types;
using Microsoft.Extensions.Options;

namespace Glint.Api.Root;

/// <summary>The queries, each with its access rule (Blink's <c>queryFields</c>: <c>me</c> and <c>authorization</c> need read).</summary>
public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        Field<UserType>("me").ResolveAsync(async context => await AccountQueries.MeAsync(context)).Requires(ScopeRule.Read);
        Field<NonNullGraphType<AuthorizationType>>("authorization").Description("The scopes the caller's credential grants.")
            .Resolve(AccountQueries.Authorization).Requires(ScopeRule.Read);

        Field<NonNullGraphType<PublicWalletType>>("accountDefaultWallet")
            .Argument<NonNullGraphType<UsernameType>>("username")
            .Argument<WalletCurrencyType>("walletCurrency")
            .ResolveAsync(async context => await AccountQueries.DefaultWalletAsync(context)).Requires(ScopeRule.None);
        Field<NonNullGraphType<WalletIdType>>("userDefaultWalletId").DeprecationReason("Use accountDefaultWallet.")
            .Argument<NonNullGraphType<UsernameType>>("username")
            .ResolveAsync(async context => (await AccountQueries.DefaultWalletAsync(context)).Id).Requires(ScopeRule.None);
        Field<BooleanGraphType>("usernameAvailable")
            .Argument<NonNullGraphType<UsernameType>>("username")
            .ResolveAsync(async context => await AccountQueries.UsernameAvailableAsync(context)).Requires(ScopeRule.None);

        Field<GlobalsType>("globals").Resolve(context => context.Service<IOptions<GlintApiOptions>>().Value).Requires(ScopeRule.None);
        Field<NonNullGraphType<RealtimePriceType>>("realtimePrice").Description("The price of 1 sat and 1 US cent in minor units of the currency.")
            .Argument<DisplayCurrencyType>("currency", argument => argument.DefaultValue = CurrencyInfo.Usd.Code)
            .ResolveAsync(async context => await PriceQueries.RealtimePriceAsync(context)).Requires(ScopeRule.None);
        Field<ListGraphType<PricePointType>>("btcPriceList").Description("The BTC/USD price over the range, then the current price.")
            .Argument<NonNullGraphType<PriceGraphRangeType>>("range")
            .ResolveAsync(async context => await PriceQueries.BtcPriceListAsync(context)).Requires(ScopeRule.None);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CurrencyType>>>>("currencyList").Resolve(_ => CurrencyInfo.All).Requires(ScopeRule.None);
        Field<NonNullGraphType<CurrencyConversionEstimationType>>("currencyConversionEstimation")
            .Description("What an amount of a display currency is worth in sats and in US cents at the current price.")
            .Argument<NonNullGraphType<FloatGraphType>>("amount", "The amount in major units of the currency (dollars).")
            .Argument<NonNullGraphType<DisplayCurrencyType>>("currency", "The currency of the amount.")
            .ResolveAsync(async context => await PriceQueries.ConversionEstimationAsync(context)).Requires(ScopeRule.None);

        Field<NonNullGraphType<LnInvoicePaymentStatusType>>("lnInvoicePaymentStatusByHash")
            .Argument<NonNullGraphType<LnInvoicePaymentStatusByHashInputType>>("input")
            .ResolveAsync(async context => await InvoiceStatusQueries.StatusAsync(context)).Requires(ScopeRule.None);
        Field<NonNullGraphType<LnInvoicePaymentStatusType>>("lnInvoicePaymentStatusByPaymentRequest")
            .Argument<NonNullGraphType<LnInvoicePaymentStatusByPaymentRequestInputType>>("input")
            .ResolveAsync(async context => await InvoiceStatusQueries.StatusAsync(context)).Requires(ScopeRule.None);
        Field<NonNullGraphType<LnInvoicePaymentStatusPayloadType>>("lnInvoicePaymentStatus")
            .DeprecationReason("Deprecated in favor of lnInvoicePaymentStatusByPaymentRequest")
            .Argument<NonNullGraphType<LnInvoicePaymentStatusInputType>>("input")
            .ResolveAsync(async context => await InvoiceStatusQueries.PayloadAsync(context)).Requires(ScopeRule.None);
    }
}
