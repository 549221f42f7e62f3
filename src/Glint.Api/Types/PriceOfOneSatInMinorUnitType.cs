using Glint.Api.Prices;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PriceOfOneSatInMinorUnitType : ObjectGraphType<MinorUnitPrice>
{
    public PriceOfOneSatInMinorUnitType()
    {
        Name = "PriceOfOneSatInMinorUnit";
        Description = "Price of 1 sat in minor units of the display currency: base / 10^offset.";
        PriceInterfaceType.AddFields(this);
        Interface<PriceInterfaceType>();
    }
}
