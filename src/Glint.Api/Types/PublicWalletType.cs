using System.Globalization;
using Glint.Api.Scalars;
using GraphQL.Types;

namespace Glint.Api.Types;

/// <summary>What anyone may know of a wallet: its id and currency (to pay it).</summary>
public sealed class PublicWalletType : ObjectGraphType<Data.Wallets.Wallet>
{
    public PublicWalletType()
    {
        Name = "PublicWallet";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(context => context.Source.Id.ToString("D", CultureInfo.InvariantCulture));
        Field<NonNullGraphType<WalletCurrencyType>>("currency").Resolve(context => context.Source.Currency);
        Field<NonNullGraphType<WalletCurrencyType>>("walletCurrency").DeprecationReason("Use currency.")
            .Resolve(context => context.Source.Currency);
    }
}
