using System.Text.RegularExpressions;

namespace Glint.Api.Scalars;

public sealed partial class LanguageType : StringScalarType
{
    public LanguageType()
    {
        Name = "Language";
        Description = "A language tag such as en or pt-BR; empty (or DEFAULT on input) leaves the choice to the app.";
    }

    protected override object Parse(string value) => value switch
    {
        "" or "DEFAULT" => "",
        _ when value.Length <= 35 && Tag().IsMatch(value) => value,
        _ => throw Invalid(),
    };

    [GeneratedRegex("^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
