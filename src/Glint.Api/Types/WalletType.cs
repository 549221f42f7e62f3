using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class WalletType : InterfaceGraphType<Data.Wallets.Wallet>
{
    public WalletType()
    {
        Name = "Wallet";
        Description = "A wallet of an account, in one currency.";
        InterfaceFields.DeclareFrom(this, new BtcWalletType());
        Type<BtcWalletType>();
        Type<UsdWalletType>();
    }
}
