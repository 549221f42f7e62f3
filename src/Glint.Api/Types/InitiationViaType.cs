using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class InitiationViaType : UnionGraphType
{
    public InitiationViaType()
    {
        Name = "InitiationVia";
        Type<InitiationViaIntraLedgerType>();
        Type<InitiationViaLnType>();
        Type<InitiationViaOnChainType>();
    }
}
