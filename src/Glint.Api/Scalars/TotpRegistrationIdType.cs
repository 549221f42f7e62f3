namespace Glint.Api.Scalars;

public sealed class TotpRegistrationIdType : StringScalarType
{
    public TotpRegistrationIdType()
    {
        Name = "TotpRegistrationId";
        Description = "An id to be passed between set and verify for confirming totp.";
    }

    protected override object Parse(string value) => value.Length is > 0 and <= 1000 ? value : throw Invalid();
}
