using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class TxDirectionType : EnumerationGraphType
{
    public TxDirectionType()
    {
        Name = "TxDirection";
        Description = "Whether a transaction took money out of the wallet or brought it in.";
        Add("RECEIVE", "RECEIVE");
        Add("SEND", "SEND");
    }
}
