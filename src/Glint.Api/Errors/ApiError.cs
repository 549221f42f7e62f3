using Glint.Wallets.Payments;

namespace Glint.Api.Errors;

/// <summary>A domain error in a mutation payload (<c>errors: [{code, message, path}]</c>), Blink's <c>GraphQLApplicationError</c>.</summary>
public sealed record ApiError(string? Code, string Message, IReadOnlyList<string>? Path = null)
{
    public static ApiError From(PaymentError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ApiError(error.Code, error.Message);
    }
}
