namespace Glint.Api.Scalars;

public sealed class DisplayCurrencyType : StringScalarType
{
    public DisplayCurrencyType()
    {
        Name = "DisplayCurrency";
        Description = "The currency amounts are shown in, as an ISO 4217 code such as USD.";
    }

    protected override object Parse(string value) => value.Length is >= 3 and <= 4 ? value.ToUpperInvariant() : throw Invalid();
}
