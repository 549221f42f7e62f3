using Glint.Api.Errors;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class GraphQLApplicationErrorType : ObjectGraphType<ApiError>
{
    public GraphQLApplicationErrorType()
    {
        Name = "GraphQLApplicationError";
        ErrorType.AddFields(this);
        Interface<ErrorType>();
    }
}
