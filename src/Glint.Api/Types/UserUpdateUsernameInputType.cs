using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Parses to its one value, a <see cref="string"/>.</summary>
public sealed class UserUpdateUsernameInputType : InputObjectGraphType<string>
{
    public UserUpdateUsernameInputType()
    {
        Name = "UserUpdateUsernameInput";
        Field<NonNullGraphType<UsernameType>>("username");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (string)value["username"]!;
    }
}
