using Glint.Api.Prices;
using Glint.Api.Scalars;
using Glint.Wallets.Prices;
using GraphQL.Types;

namespace Glint.Api.Types;

// The BTC price graph (btcPriceList), with Blink's names.

public sealed class PriceGraphRangeType : EnumerationGraphType
{
    public PriceGraphRangeType()
    {
        Name = "PriceGraphRange";
        Description = "The range for the X axis in the BTC price graph";
        foreach (var range in PriceRange.All)
        {
            Add(range.Name, range);
        }
    }
}

public sealed class PricePointType : ObjectGraphType<PricePointType.Source>
{
    public PricePointType()
    {
        Name = "PricePoint";
        Field<NonNullGraphType<PriceType>>("price").Resolve(context => context.Source.Price);
        Field<NonNullGraphType<TimestampType>>("timestamp").Description("Unix timestamp (number of seconds elapsed since January 1, 1970 00:00:00 UTC)")
            .Resolve(context => context.Source.At);
    }

    public sealed record Source(DateTimeOffset At, MinorUnitPrice Price);
}
