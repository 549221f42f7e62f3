namespace Glint.Api.Scalars;

public sealed class TxExternalIdType : StringScalarType
{
    public TxExternalIdType()
    {
        Name = "TxExternalId";
        Description = "A reference the client attached to a transaction.";
    }
}
