using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Parses to its one value, a <see cref="string"/>.</summary>
public sealed class AccountUpdateDisplayCurrencyInputType : InputObjectGraphType<string>
{
    public AccountUpdateDisplayCurrencyInputType()
    {
        Name = "AccountUpdateDisplayCurrencyInput";
        Field<NonNullGraphType<DisplayCurrencyType>>("currency");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (string)value["currency"]!;
    }
}
