using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class AuthorizationType : ObjectGraphType<AuthorizationType.Source>
{
    public AuthorizationType()
    {
        Name = "Authorization";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ScopeType>>>>("scopes").Resolve(context => context.Source.Scopes);
    }

    public sealed record Source(IReadOnlyList<string> Scopes);
}
