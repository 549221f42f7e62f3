namespace Glint.Api.Scalars;

public sealed class CountryCodeType : StringScalarType
{
    public CountryCodeType()
    {
        Name = "CountryCode";
        Description = "An ISO 3166-1 alpha-2 country code such as US.";
    }
}
