using Glint.Api.Errors;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A domain error in a payload: a code clients branch on and a message for people.</summary>
public sealed class ErrorType : InterfaceGraphType<ApiError>
{
    public ErrorType()
    {
        Name = "Error";
        InterfaceFields.DeclareFrom(this, new GraphQLApplicationErrorType());
        Type<GraphQLApplicationErrorType>();
    }

    public static void AddFields(ObjectGraphType<ApiError> type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type.Field<StringGraphType>("code").Resolve(context => context.Source.Code);
        type.Field<NonNullGraphType<StringGraphType>>("message").Resolve(context => context.Source.Message);
        type.Field<ListGraphType<StringGraphType>>("path").Resolve(context => context.Source.Path);
    }
}
