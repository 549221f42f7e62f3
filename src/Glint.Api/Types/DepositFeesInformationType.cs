using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>On-chain deposit fees: none, since Glint takes no deposits on-chain yet.</summary>
public sealed class DepositFeesInformationType : ObjectGraphType<GlintApiOptions>
{
    public DepositFeesInformationType()
    {
        Name = "DepositFeesInformation";
        Field<NonNullGraphType<StringGraphType>>("minBankFee").Resolve(_ => "0");
        Field<NonNullGraphType<StringGraphType>>("minBankFeeThreshold").Description("Below this amount the minimum fee applies.").Resolve(_ => "0");
        Field<NonNullGraphType<StringGraphType>>("ratio").Description("The fee above the threshold, in basis points.").Resolve(_ => "0");
    }
}
