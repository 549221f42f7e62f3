using Glint.Api.Prices;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class CurrencyType : ObjectGraphType<CurrencyInfo>
{
    public CurrencyType()
    {
        Name = "Currency";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => context.Source.Code);
        Field<NonNullGraphType<StringGraphType>>("symbol").Resolve(context => context.Source.Symbol);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(context => context.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("flag").Resolve(context => context.Source.Flag);
        Field<NonNullGraphType<IntGraphType>>("fractionDigits").Resolve(context => context.Source.FractionDigits);
    }
}
