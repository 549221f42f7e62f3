using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>A payment started on-chain (none yet: declared so that apps' fragments validate).</summary>
public sealed class InitiationViaOnChainType : ObjectGraphType<InitiationViaOnChainType.Source>
{
    public InitiationViaOnChainType()
    {
        Name = "InitiationViaOnChain";
        Field<NonNullGraphType<OnChainAddressType>>("address").Resolve(context => context.Source.Address);
    }

    public sealed record Source(string Address);
}
