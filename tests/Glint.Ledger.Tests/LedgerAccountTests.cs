namespace Glint.Ledger.Tests;

public sealed class LedgerAccountTests
{
    [Fact]
    public void Ids_AreStableStrings()
    {
        var walletId = Guid.Parse("0b6c1f9e-4d0a-4c55-9a57-7d0c2f9d8e11");

        Assert.Equal("wallet:0b6c1f9e-4d0a-4c55-9a57-7d0c2f9d8e11", LedgerAccount.Wallet(walletId, Currency.Btc).Id);
        Assert.Equal("operator:funding:BTC", LedgerAccount.Funding(Currency.Btc).Id);
        Assert.Equal("operator:funding:USD", LedgerAccount.Funding(Currency.Usd).Id);
        Assert.Equal("operator:conversion:BTC", LedgerAccount.Conversion(Currency.Btc).Id);
        Assert.Equal("operator:conversion:USD", LedgerAccount.Conversion(Currency.Usd).Id);
    }

    [Fact]
    public void Wallet_CarriesItsWalletIdAndMayNotGoNegative()
    {
        var walletId = Guid.NewGuid();
        var wallet = LedgerAccount.Wallet(walletId, Currency.Usd);

        Assert.Equal(AccountKind.Wallet, wallet.Kind);
        Assert.Equal(Currency.Usd, wallet.Currency);
        Assert.Equal(walletId, wallet.WalletId);
        Assert.True(wallet.IsWallet);
        Assert.False(wallet.MayGoNegative);
        Assert.Equal(wallet, LedgerAccount.Wallet(walletId, Currency.Usd));
    }

    [Fact]
    public void OperatorAccounts_MayGoNegative()
    {
        var funding = LedgerAccount.Funding(Currency.Btc);
        var conversion = LedgerAccount.Conversion(Currency.Usd);

        Assert.Equal(AccountKind.Funding, funding.Kind);
        Assert.Equal(AccountKind.Conversion, conversion.Kind);
        Assert.True(funding.MayGoNegative);
        Assert.True(conversion.MayGoNegative);
        Assert.Null(funding.WalletId);
    }

    [Fact]
    public void Factories_RejectEmptyWalletIdAndUnknownCurrency()
    {
        Assert.Throws<ArgumentException>(() => LedgerAccount.Wallet(Guid.Empty, Currency.Btc));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerAccount.Wallet(Guid.NewGuid(), (Currency)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerAccount.Funding((Currency)0));
    }
}
