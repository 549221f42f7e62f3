using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class InitiationViaIntraLedgerType : ObjectGraphType<IntraLedgerCounterparty>
{
    public InitiationViaIntraLedgerType()
    {
        Name = "InitiationViaIntraLedger";
        Field<UsernameType>("counterPartyUsername").Resolve(context => context.Source.Username);
        Field<WalletIdType>("counterPartyWalletId").Resolve(context => context.Source.WalletId);
    }
}
