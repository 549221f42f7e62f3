using Glint.Data.Wallets;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class ConsumerAccountType : ObjectGraphType<WalletAccount>
{
    public ConsumerAccountType()
    {
        Name = "ConsumerAccount";
        AccountFields.AddTo(this);
        Interface<AccountType>();
    }
}
