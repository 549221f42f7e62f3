namespace Glint.Api.Scalars;

public sealed class LnPaymentRequestType : StringScalarType
{
    public LnPaymentRequestType()
    {
        Name = "LnPaymentRequest";
        Description = "A BOLT 11 Lightning invoice.";
    }
}
