using Glint.Api.Errors;
using Glint.Data.Users;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class UserUpdateLanguagePayloadType : ObjectGraphType<UserUpdateLanguagePayloadType.Source>
{
    public UserUpdateLanguagePayloadType()
    {
        Name = "UserUpdateLanguagePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
        Field<UserType>("user").Resolve(context => context.Source.User);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, User? User);
}
