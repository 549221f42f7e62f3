using Glint.Data.Wallets;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class AccountType : InterfaceGraphType<WalletAccount>
{
    public AccountType()
    {
        Name = "Account";
        InterfaceFields.DeclareFrom(this, new ConsumerAccountType());
        Type<ConsumerAccountType>();
    }
}
