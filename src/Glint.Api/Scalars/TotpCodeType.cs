namespace Glint.Api.Scalars;

public sealed class TotpCodeType : StringScalarType
{
    public TotpCodeType()
    {
        Name = "TotpCode";
        Description = "A time-based one-time password.";
    }

    protected override object Parse(string value) => value.Length is > 0 and <= 16 ? value : throw Invalid();
}
