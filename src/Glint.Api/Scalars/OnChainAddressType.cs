namespace Glint.Api.Scalars;

public sealed class OnChainAddressType : StringScalarType
{
    public OnChainAddressType()
    {
        Name = "OnChainAddress";
        Description = "A Bitcoin address.";
    }
}
