using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class EmailType : ObjectGraphType<EmailType.Source>
{
    public EmailType()
    {
        Name = "Email";
        Field<EmailAddressType>("address").Resolve(context => context.Source.Address);
        Field<BooleanGraphType>("verified").Resolve(context => context.Source.Verified);
    }

    public sealed record Source(string? Address, bool Verified);
}
