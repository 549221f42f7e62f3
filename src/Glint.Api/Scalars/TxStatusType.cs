using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class TxStatusType : EnumerationGraphType
{
    public TxStatusType()
    {
        Name = "TxStatus";
        Description = "Where a transaction stands.";
        Add("FAILURE", "FAILURE");
        Add("PENDING", "PENDING");
        Add("SUCCESS", "SUCCESS");
    }
}
