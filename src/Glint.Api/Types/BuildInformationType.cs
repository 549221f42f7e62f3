using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class BuildInformationType : ObjectGraphType<GlintApiOptions>
{
    public BuildInformationType()
    {
        Name = "BuildInformation";
        Field<StringGraphType>("commitHash").Resolve(_ => null);
        Field<IntGraphType>("helmRevision").Resolve(_ => null);
    }
}
