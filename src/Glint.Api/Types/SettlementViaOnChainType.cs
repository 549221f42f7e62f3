using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A payment settled on-chain (none yet: declared so that apps' fragments validate).</summary>
public sealed class SettlementViaOnChainType : ObjectGraphType<SettlementViaOnChainType.Source>
{
    public SettlementViaOnChainType()
    {
        Name = "SettlementViaOnChain";
        Field<TimestampType>("arrivalInMempoolEstimatedAt").Resolve(context => context.Source.ArrivalInMempoolEstimatedAt);
        Field<OnChainTxHashType>("transactionHash").Resolve(context => context.Source.TransactionHash);
        Field<IntGraphType>("vout").Resolve(context => context.Source.Vout);
    }

    public sealed record Source(string? TransactionHash, int? Vout, DateTimeOffset? ArrivalInMempoolEstimatedAt);
}
