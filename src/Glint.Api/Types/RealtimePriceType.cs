using Glint.Api.Prices;
using Glint.Api.Scalars;
using Glint.Wallets.Prices;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>The current price of 1 sat and of 1 US cent in the display currency (US dollars).</summary>
public sealed class RealtimePriceType : ObjectGraphType<PriceQuote>
{
    public RealtimePriceType()
    {
        Name = "RealtimePrice";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => NameBasedId.From($"{context.Source.At.ToUnixTimeSeconds()}-{CurrencyInfo.Usd.Code}"));
        Field<NonNullGraphType<TimestampType>>("timestamp").Description("When the price was quoted, in Unix seconds.").Resolve(context => context.Source.At);
        Field<NonNullGraphType<CurrencyType>>("denominatorCurrencyDetails").Resolve(_ => CurrencyInfo.Usd);
        Field<NonNullGraphType<DisplayCurrencyType>>("denominatorCurrency").DeprecationReason("Use denominatorCurrencyDetails.")
            .Resolve(_ => CurrencyInfo.Usd.Code);
        Field<NonNullGraphType<PriceOfOneSatInMinorUnitType>>("btcSatPrice").Resolve(context => DisplayAmounts.SatPrice(context.Source.Price.CentsPerBitcoin));
        Field<NonNullGraphType<PriceOfOneUsdCentInMinorUnitType>>("usdCentPrice").Resolve(_ => DisplayAmounts.CentPrice());
    }
}
