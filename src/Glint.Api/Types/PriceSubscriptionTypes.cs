using Glint.Api.Errors;
using Glint.Api.Prices;
using Glint.Api.Scalars;
using Glint.Wallets.Prices;
using GraphQL.Types;

namespace Glint.Api.Types;

// The inputs and payloads of the price and realtimePrice subscriptions, with Blink's names.

public sealed class ExchangeCurrencyUnitType : EnumerationGraphType
{
    public const string BtcSat = "BTCSAT";
    public const string UsdCent = "USDCENT";

    public ExchangeCurrencyUnitType()
    {
        Name = "ExchangeCurrencyUnit";
        Add(BtcSat, BtcSat);
        Add(UsdCent, UsdCent);
    }
}

public sealed class PriceInputType : InputObjectGraphType
{
    public PriceInputType()
    {
        Name = "PriceInput";
        Field<NonNullGraphType<SatAmountType>>("amount");
        Field<NonNullGraphType<ExchangeCurrencyUnitType>>("amountCurrencyUnit");
        Field<NonNullGraphType<ExchangeCurrencyUnitType>>("priceCurrencyUnit");
    }
}

public sealed class PricePayloadType : ObjectGraphType<PricePayloadType.Source>
{
    public PricePayloadType()
    {
        Name = "PricePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<PriceType>("price").Resolve(context => context.Source.Price);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, MinorUnitPrice? Price);
}

public sealed class RealtimePriceInputType : InputObjectGraphType
{
    public RealtimePriceInputType()
    {
        Name = "RealtimePriceInput";
        Field<DisplayCurrencyType>("currency").DefaultValue(CurrencyInfo.Usd.Code);
    }
}

public sealed class RealtimePricePayloadType : ObjectGraphType<RealtimePricePayloadType.Source>
{
    public RealtimePricePayloadType()
    {
        Name = "RealtimePricePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<RealtimePriceType>("realtimePrice").Resolve(context => context.Source.RealtimePrice);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, PriceQuote? RealtimePrice);
}
