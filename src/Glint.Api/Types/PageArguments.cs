using GraphQL.Builders;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>The Relay connection arguments of a transaction list (see <see cref="Validation.Pagination"/>).</summary>
public static class PageArguments
{
    public static FieldBuilder<TSource, TReturn> WithPageArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field
            .Argument<StringGraphType>("after", "A cursor: items older than it (paging forward).")
            .Argument<StringGraphType>("before", "A cursor: items newer than it (paging backward).")
            .Argument<IntGraphType>("first", "How many items from the start (1 to 100; 100 without first or last).")
            .Argument<IntGraphType>("last", "How many items from the end (1 to 100).");
    }
}
