using System.Globalization;
using Glint.Wallets.Invoices;
using Glint.Wallets.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class PageInfoType : ObjectGraphType<PageInfoType.Source>
{
    public PageInfoType()
    {
        Name = "PageInfo";
        Description = "Where a page is in the whole list.";
        Field<StringGraphType>("endCursor").Description("The cursor of the page's last item: pass it as after for the next page.")
            .Resolve(context => context.Source.EndCursor);
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Description("Whether older items follow.")
            .Resolve(context => context.Source.HasNextPage);
        Field<NonNullGraphType<BooleanGraphType>>("hasPreviousPage").Description("Whether newer items precede.")
            .Resolve(context => context.Source.HasPreviousPage);
        Field<StringGraphType>("startCursor").Description("The cursor of the page's first item: pass it as before for the previous page.")
            .Resolve(context => context.Source.StartCursor);
    }

    /// <summary>A page's cursors (item ids) and neighbours, whatever the items are.</summary>
    public sealed record Source(string? StartCursor, string? EndCursor, bool HasNextPage, bool HasPreviousPage)
    {
        public static Source Of(TransactionPage page)
        {
            ArgumentNullException.ThrowIfNull(page);
            return Of(page.Items.Select(item => item.Id).ToList(), page.HasNextPage, page.HasPreviousPage);
        }

        public static Source Of(InvoicePage page)
        {
            ArgumentNullException.ThrowIfNull(page);
            return Of(page.Items.Select(item => item.Id).ToList(), page.HasNextPage, page.HasPreviousPage);
        }

        private static Source Of(List<long> ids, bool hasNext, bool hasPrevious) => new(
            ids.Count == 0 ? null : ids[0].ToString(CultureInfo.InvariantCulture),
            ids.Count == 0 ? null : ids[^1].ToString(CultureInfo.InvariantCulture),
            hasNext, hasPrevious);
    }
}
