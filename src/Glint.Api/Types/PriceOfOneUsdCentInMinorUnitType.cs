using Glint.Api.Prices;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PriceOfOneUsdCentInMinorUnitType : ObjectGraphType<MinorUnitPrice>
{
    public PriceOfOneUsdCentInMinorUnitType()
    {
        Name = "PriceOfOneUsdCentInMinorUnit";
        Description = "Price of 1 US cent in minor units of the display currency: base / 10^offset.";
        PriceInterfaceType.AddFields(this);
        Interface<PriceInterfaceType>();
    }
}
