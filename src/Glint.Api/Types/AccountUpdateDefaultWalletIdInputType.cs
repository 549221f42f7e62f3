using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>Parses to its one value, a <see cref="Guid"/>.</summary>
public sealed class AccountUpdateDefaultWalletIdInputType : InputObjectGraphType<Guid>
{
    public AccountUpdateDefaultWalletIdInputType()
    {
        Name = "AccountUpdateDefaultWalletIdInput";
        Field<NonNullGraphType<WalletIdType>>("walletId");
    }

    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (Guid)value["walletId"]!;
    }
}
