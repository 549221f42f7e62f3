using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A payment of a Lightning invoice; the preimage proves it was paid.</summary>
public sealed class SettlementViaLnType : ObjectGraphType<SettlementViaLnType.Source>
{
    public SettlementViaLnType()
    {
        Name = "SettlementViaLn";
        Field<LnPaymentSecretType>("paymentSecret")
            .DeprecationReason("Use preImage.")
            .Resolve(context => context.Source.PreImage);
        Field<LnPaymentPreImageType>("preImage").Resolve(context => context.Source.PreImage);
    }

    public sealed record Source(string? PreImage);
}
