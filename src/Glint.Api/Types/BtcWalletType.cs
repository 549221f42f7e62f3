using Glint.Wallets.Journal;
using GraphQL.Types;

namespace Glint.Api.Types;

public sealed class BtcWalletType : ObjectGraphType<Data.Wallets.Wallet>
{
    public BtcWalletType()
    {
        Name = "BTCWallet";
        Description = "A wallet holding bitcoin, in sats.";
        WalletFields.AddTo(this);
        Interface<WalletType>();
        IsTypeOf = value => value is Data.Wallets.Wallet { Currency: CurrencyCodes.Btc };
    }
}
