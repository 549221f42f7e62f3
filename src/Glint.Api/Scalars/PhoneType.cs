namespace Glint.Api.Scalars;

public sealed class PhoneType : StringScalarType
{
    public PhoneType()
    {
        Name = "Phone";
        Description = "A phone number in international format, with its country code.";
    }
}
