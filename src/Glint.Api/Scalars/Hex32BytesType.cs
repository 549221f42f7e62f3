namespace Glint.Api.Scalars;

public sealed class Hex32BytesType : StringScalarType
{
    public Hex32BytesType()
    {
        Name = "Hex32Bytes";
        Description = "Hex-encoded string of 32 bytes";
    }

    protected override object Parse(string value) => HexHash.Parse(value) ?? throw Invalid();
}
