using Glint.Api.Errors;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class SuccessPayloadType : ObjectGraphType<SuccessPayloadType.Source>
{
    public SuccessPayloadType()
    {
        Name = "SuccessPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<BooleanGraphType>("success").Resolve(context => context.Source.Success);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, bool Success);
}

/// <summary>Blink's <c>UserLogoutInput</c>; its device token (for push notifications) has nothing to unregister here.</summary>
public sealed class UserLogoutInputType : InputObjectGraphType
{
    public UserLogoutInputType()
    {
        Name = "UserLogoutInput";
        Field<NonNullGraphType<StringGraphType>>("deviceToken");
    }
}
