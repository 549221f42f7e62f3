using Glint.Ledger;

namespace Glint.Wallets.Journal;

/// <summary>The ledger's currencies as the database and the API spell them.</summary>
public static class CurrencyCodes
{
    public const string Btc = "BTC";
    public const string Usd = "USD";

    public static string Of(Currency currency) => currency == Currency.Btc ? Btc : Usd;

    public static Currency Parse(string code) => code switch
    {
        Btc => Currency.Btc,
        Usd => Currency.Usd,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Wallets hold BTC or USD only."),
    };

    public static LedgerAccount WalletAccount(Data.Wallets.Wallet wallet) => LedgerAccount.Wallet(wallet.Id, Parse(wallet.Currency));
}
