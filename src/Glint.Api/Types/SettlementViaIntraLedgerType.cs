using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class SettlementViaIntraLedgerType : ObjectGraphType<IntraLedgerCounterparty>
{
    public SettlementViaIntraLedgerType()
    {
        Name = "SettlementViaIntraLedger";
        Field<UsernameType>("counterPartyUsername").Description("The other party's username; null if it has none.")
            .Resolve(context => context.Source.Username);
        Field<WalletIdType>("counterPartyWalletId").Resolve(context => context.Source.WalletId);
        Field<LnPaymentPreImageType>("preImage").Resolve(_ => null);
    }
}
