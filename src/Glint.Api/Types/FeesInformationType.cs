using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class FeesInformationType : ObjectGraphType<GlintApiOptions>
{
    public FeesInformationType()
    {
        Name = "FeesInformation";
        Field<NonNullGraphType<DepositFeesInformationType>>("deposit").Resolve(context => context.Source);
    }
}
