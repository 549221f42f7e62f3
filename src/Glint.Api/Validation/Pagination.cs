using System.Globalization;
using Glint.Api.Errors;
using Glint.Wallets.Queries;
using GraphQL;

namespace Glint.Api.Validation;

/// <summary>A checked page request of a transaction connection; cursors are transaction ids.</summary>
public sealed record Pagination(int? First, long? After, int? Last, long? Before)
{
    /// <summary>
    /// Blink's bounds with its messages (<c>INVALID_INPUT</c>): not both <c>first</c> and <c>last</c>, each at most
    /// <see cref="WalletQueries.MaxPageSize"/> and above 0; without either, the first 100.
    /// </summary>
    public static Pagination From(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var first = context.GetArgument<int?>("first");
        var last = context.GetArgument<int?>("last");
        if (first is not null && last is not null)
        {
            throw ApiErrors.InvalidInput("Cannot use both \"first\" and \"last\".");
        }

        CheckSize(first ?? last);
        return new Pagination(first, Cursor(context.GetArgument<string?>("after")), last, Cursor(context.GetArgument<string?>("before")));
    }

    private static void CheckSize(int? size)
    {
        if (size > WalletQueries.MaxPageSize)
        {
            throw ApiErrors.InvalidInput(string.Create(CultureInfo.InvariantCulture,
                $"Requested page size ({size}) is greater than max allowed page size {WalletQueries.MaxPageSize}."));
        }

        if (size <= 0)
        {
            throw ApiErrors.InvalidInput(string.Create(CultureInfo.InvariantCulture, $"Requested page size ({size}) must be greater than 0."));
        }
    }

    private static long? Cursor(string? cursor) => cursor switch
    {
        null => null,
        _ when long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) => id,
        _ => throw ApiErrors.InvalidInput($"Invalid cursor: {cursor}"),
    };
}
