namespace Glint.Api.Scalars;

public sealed class EmailRegistrationIdType : StringScalarType
{
    public EmailRegistrationIdType()
    {
        Name = "EmailRegistrationId";
        Description = "An id to be passed between registrationInitiate and registrationValidate for confirming email.";
    }

    protected override object Parse(string value) => value.Length is > 0 and <= 100 ? value : throw Invalid();
}
