using Glint.Api.Access;
using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class ScopeType : EnumerationGraphType
{
    public ScopeType()
    {
        Name = "Scope";
        Description = "What a credential allows: reading, receiving (invoices and addresses) and sending.";
        Add("READ", Caller.ReadScope);
        Add("RECEIVE", Caller.ReceiveScope);
        Add("WRITE", Caller.WriteScope);
    }
}
