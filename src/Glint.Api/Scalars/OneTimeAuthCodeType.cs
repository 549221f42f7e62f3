namespace Glint.Api.Scalars;

public sealed class OneTimeAuthCodeType : StringScalarType
{
    public OneTimeAuthCodeType()
    {
        Name = "OneTimeAuthCode";
        Description = "An authentication code valid for a single use";
    }

    protected override object Parse(string value) => value.Length is > 0 and <= 16 ? value : throw Invalid();
}
