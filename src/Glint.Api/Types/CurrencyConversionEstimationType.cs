using Glint.Api.Prices;
using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class CurrencyConversionEstimationType : ObjectGraphType<CurrencyConversionEstimationType.Source>
{
    public CurrencyConversionEstimationType()
    {
        Name = "CurrencyConversionEstimation";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => NameBasedId.From($"{context.Source.At.ToUnixTimeSeconds()}-{context.Source.Currency}"));
        Field<NonNullGraphType<TimestampType>>("timestamp").Description("When the price used was quoted, in Unix seconds.").Resolve(context => context.Source.At);
        Field<NonNullGraphType<SatAmountType>>("btcSatAmount").Description("The amount in sats.").Resolve(context => context.Source.Sats);
        Field<NonNullGraphType<CentAmountType>>("usdCentAmount").Description("The amount in US cents.").Resolve(context => context.Source.Cents);
    }

    public sealed record Source(DateTimeOffset At, string Currency, long Sats, long Cents);
}
