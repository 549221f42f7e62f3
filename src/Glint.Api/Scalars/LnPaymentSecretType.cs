namespace Glint.Api.Scalars;

public sealed class LnPaymentSecretType : StringScalarType
{
    public LnPaymentSecretType()
    {
        Name = "LnPaymentSecret";
        Description = "The payment secret of a Lightning invoice.";
    }
}
