namespace Glint.Api.Scalars;

public sealed class PaymentHashType : StringScalarType
{
    public PaymentHashType()
    {
        Name = "PaymentHash";
        Description = "The hash of a Lightning payment, 32 bytes in hex.";
    }

    protected override object Parse(string value) => HexHash.Parse(value) ?? throw Invalid();
}
