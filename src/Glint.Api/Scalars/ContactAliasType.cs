using System.Text.RegularExpressions;

namespace Glint.Api.Scalars;

public sealed partial class ContactAliasType : StringScalarType
{
    public ContactAliasType()
    {
        Name = "ContactAlias";
        Description = "An alias name that a user can set for a wallet (with which they have transactions).";
    }

    protected override object Parse(string value) =>
        Rule().IsMatch(value) ? value : throw Invalid("ContactAlias has incorrect characters or length: 3 to 50 letters, digits or underscores.");

    [GeneratedRegex("^[0-9A-Za-z_]{3,50}$", RegexOptions.CultureInvariant)]
    private static partial Regex Rule();
}
