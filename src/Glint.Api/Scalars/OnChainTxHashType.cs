namespace Glint.Api.Scalars;

public sealed class OnChainTxHashType : StringScalarType
{
    public OnChainTxHashType()
    {
        Name = "OnChainTxHash";
        Description = "The id of a Bitcoin transaction.";
    }
}
