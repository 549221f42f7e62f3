using System.Globalization;
using GraphQL.Validation;

namespace Glint.Api.Validation;

public sealed class QueryComplexityError(long complexity, long maximum)
    : ValidationError(string.Create(CultureInfo.InvariantCulture, $"Query too complex. Value of {complexity} is over the maximum {maximum}."))
{
    public long Complexity { get; } = complexity;
}
