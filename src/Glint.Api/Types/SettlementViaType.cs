using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class SettlementViaType : UnionGraphType
{
    public SettlementViaType()
    {
        Name = "SettlementVia";
        Type<SettlementViaIntraLedgerType>();
        Type<SettlementViaLnType>();
        Type<SettlementViaOnChainType>();
    }
}
