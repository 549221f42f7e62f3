using Glint.Api.Accounts;
using Glint.Api.Errors;
using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Blink's <c>UserContact</c>, without its transaction list (its count is here).</summary>
public sealed class UserContactType : ObjectGraphType<Contact>
{
    public UserContactType()
    {
        Name = "UserContact";
        Field<ContactAliasType>("alias").Description("Alias the user can set for this contact.\nOnly the user can see the alias attached to their contact.")
            .Resolve(context => context.Source.Alias);
        Field<NonNullGraphType<UsernameType>>("id").Resolve(context => context.Source.Username);
        Field<NonNullGraphType<IntGraphType>>("transactionsCount").Resolve(context => context.Source.TransactionsCount);
        Field<NonNullGraphType<UsernameType>>("username").Description("Actual identifier of the contact.").Resolve(context => context.Source.Username);
    }
}

/// <summary>Blink's <c>UserContactUpdateAliasInput</c>.</summary>
public sealed class UserContactUpdateAliasInputType : InputObjectGraphType<UserContactUpdateAliasInputType.Input>
{
    public UserContactUpdateAliasInputType()
    {
        Name = "UserContactUpdateAliasInput";
        Field<NonNullGraphType<ContactAliasType>>("alias");
        Field<NonNullGraphType<UsernameType>>("username");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new Input((string)value["username"]!, (string)value["alias"]!);
    }

    public sealed record Input(string Username, string Alias);
}

public sealed class UserContactUpdateAliasPayloadType : ObjectGraphType<UserContactUpdateAliasPayloadType.Source>
{
    public UserContactUpdateAliasPayloadType()
    {
        Name = "UserContactUpdateAliasPayload";
        Field<UserContactType>("contact").Resolve(context => context.Source.Contact);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ErrorType>>>>("errors").Resolve(context => context.Source.Errors);
    }

    public sealed record Source(IReadOnlyList<ApiError> Errors, Contact? Contact);
}
