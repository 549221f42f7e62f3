using Glint.Wallets.Journal;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class UsdWalletType : ObjectGraphType<Data.Wallets.Wallet>
{
    public UsdWalletType()
    {
        Name = "UsdWallet";
        Description = "A wallet holding US dollars, in cents.";
        WalletFields.AddTo(this);
        Interface<WalletType>();
        IsTypeOf = value => value is Data.Wallets.Wallet { Currency: CurrencyCodes.Usd };
    }
}
