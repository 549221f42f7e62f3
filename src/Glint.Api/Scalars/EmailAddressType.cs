namespace Glint.Api.Scalars;

public sealed class EmailAddressType : StringScalarType
{
    public EmailAddressType()
    {
        Name = "EmailAddress";
        Description = "An email address.";
    }
}
