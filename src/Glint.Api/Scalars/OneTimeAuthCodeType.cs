namespace Glint.Api.Scalars;

public sealed class OneTimeAuthCodeType : StringScalarType
{
    public OneTimeAuthCodeType()
    {
        Name = "OneTimeAuthCode";
        Description = "An authentication code valid for a single use";
    }
}
