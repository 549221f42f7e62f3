using System.Globalization;
using Glint.Wallets.Queries;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class TransactionEdgeType : ObjectGraphType<WalletTransaction>
{
    public TransactionEdgeType()
    {
        Name = "TransactionEdge";
        Description = "A transaction in a page, with its cursor.";
        Field<NonNullGraphType<StringGraphType>>("cursor").Description("A cursor for use in pagination: the transaction id.")
            .Resolve(context => context.Source.Id.ToString(CultureInfo.InvariantCulture));
        Field<NonNullGraphType<TransactionType>>("node").Description("The transaction.").Resolve(context => context.Source);
    }
}
