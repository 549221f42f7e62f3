using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class WalletCurrencyType : EnumerationGraphType
{
    public WalletCurrencyType()
    {
        Name = "WalletCurrency";
        Description = "The currency a wallet holds: BTC in sats, USD in cents.";
        Add("BTC", "BTC");
        Add("USD", "USD");
    }
}
