using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A payment settled over Lightning (none yet: declared so that apps' fragments validate).</summary>
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
