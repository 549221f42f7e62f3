using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Parses to its one value, a <see cref="string"/>.</summary>
public sealed class UserUpdateLanguageInputType : InputObjectGraphType<string>
{
    public UserUpdateLanguageInputType()
    {
        Name = "UserUpdateLanguageInput";
        Field<NonNullGraphType<LanguageType>>("language");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (string)value["language"]!;
    }
}
