using System.Globalization;
using Glint.Wallet.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PageInfoType : ObjectGraphType<TransactionPage>
{
    public PageInfoType()
    {
        Name = "PageInfo";
        Description = "Where a page is in the whole list.";
        Field<StringGraphType>("endCursor").Description("The cursor of the page's last item: pass it as after for the next page.")
            .Resolve(context => context.Source.Items.Count == 0 ? null : context.Source.Items[^1].Id.ToString(CultureInfo.InvariantCulture));
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Description("Whether older items follow.")
            .Resolve(context => context.Source.HasNextPage);
        Field<NonNullGraphType<BooleanGraphType>>("hasPreviousPage").Description("Whether newer items precede.")
            .Resolve(context => context.Source.HasPreviousPage);
        Field<StringGraphType>("startCursor").Description("The cursor of the page's first item: pass it as before for the previous page.")
            .Resolve(context => context.Source.Items.Count == 0 ? null : context.Source.Items[0].Id.ToString(CultureInfo.InvariantCulture));
    }
}
