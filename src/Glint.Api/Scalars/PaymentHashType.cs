namespace Glint.Api.Scalars;

public sealed class PaymentHashType : StringScalarType
{
    public PaymentHashType()
    {
        Name = "PaymentHash";
        Description = "The hash of a Lightning payment, 32 bytes in hex.";
    }
}
