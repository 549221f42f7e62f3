using Glint.Wallets.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class TransactionConnectionType : ObjectGraphType<TransactionPage>
{
    public TransactionConnectionType()
    {
        Name = "TransactionConnection";
        Description = "A page of transactions (a Relay connection).";
        Field<ListGraphType<NonNullGraphType<TransactionEdgeType>>>("edges").Description("The transactions of the page, each with its cursor.").Resolve(context => context.Source.Items);
        Field<NonNullGraphType<PageInfoType>>("pageInfo").Description("Where the page is, to ask for the next or previous one.").Resolve(context => PageInfoType.Source.Of(context.Source));
    }
}
