namespace Glint.Api.Scalars;

public sealed class TotpSecretType : StringScalarType
{
    public TotpSecretType()
    {
        Name = "TotpSecret";
        Description = "A secret to generate time-based one-time password.";
    }
}
