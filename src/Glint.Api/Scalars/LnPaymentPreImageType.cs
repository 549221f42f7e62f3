namespace Glint.Api.Scalars;

public sealed class LnPaymentPreImageType : StringScalarType
{
    public LnPaymentPreImageType()
    {
        Name = "LnPaymentPreImage";
        Description = "The preimage that proves a Lightning payment, 32 bytes in hex.";
    }
}
