using Glint.Api.Prices;
using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PriceInterfaceType : InterfaceGraphType<MinorUnitPrice>
{
    public PriceInterfaceType()
    {
        Name = "PriceInterface";
        InterfaceFields.DeclareFrom(this, new PriceOfOneSatInMinorUnitType());
    }

    /// <summary>The fields every minor-unit price has: <c>base / 10^offset</c> minor units of the display currency.</summary>
    public static void AddFields(ObjectGraphType<MinorUnitPrice> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type.Field<NonNullGraphType<SafeIntType>>("base").Resolve(context => context.Source.Base);
        type.Field<NonNullGraphType<IntGraphType>>("offset").Resolve(context => context.Source.Offset);
        type.Field<NonNullGraphType<StringGraphType>>("currencyUnit").DeprecationReason("Always MINOR.")
            .Resolve(_ => MinorUnitPrice.CurrencyUnit);
    }
}
