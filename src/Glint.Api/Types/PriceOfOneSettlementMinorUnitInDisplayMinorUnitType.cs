using Glint.Api.Prices;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PriceOfOneSettlementMinorUnitInDisplayMinorUnitType : ObjectGraphType<MinorUnitPrice>
{
    public PriceOfOneSettlementMinorUnitInDisplayMinorUnitType()
    {
        Name = "PriceOfOneSettlementMinorUnitInDisplayMinorUnit";
        Description = "Price of 1 sat or 1 US cent (the wallet's minor unit) in minor units of the display currency: base / 10^offset.";
        PriceInterfaceType.AddFields(this);
        Field<NonNullGraphType<StringGraphType>>("formattedAmount").DeprecationReason("Compute base / 10^offset instead.")
            .Resolve(context => context.Source.FormattedAmount);
        Interface<PriceInterfaceType>();
    }
}
