namespace Glint.Ledger;

/// <summary>
/// An account of the ledger: a stable id, a kind and the one currency it holds. Named <c>LedgerAccount</c> rather than
/// <c>Account</c> because a user's account (Blink's <c>ConsumerAccount</c>, holding a BTC and a USD wallet) is a
/// different thing that lives in the wallet module. Only the factories create accounts, so the id, kind and currency
/// always agree.
/// </summary>
public sealed record LedgerAccount
{
    private LedgerAccount(string id, AccountKind kind, Currency currency, Guid? walletId)
    {
        Id = id;
        Kind = kind;
        Currency = currency;
        WalletId = walletId;
    }

    /// <summary>
    /// <c>wallet:{guid}</c>, <c>operator:funding:BTC</c>, <c>operator:conversion:USD</c>… Stored postings refer to it,
    /// so the format never changes.
    /// </summary>
    public string Id { get; }

    public AccountKind Kind { get; }

    public Currency Currency { get; }

    /// <summary>The wallet this account belongs to; null for operator accounts.</summary>
    public Guid? WalletId { get; }

    public bool IsWallet => Kind == AccountKind.Wallet;

    /// <summary>Operator accounts are where money enters the ledger, so their balance is the negative of what they issued.</summary>
    public bool MayGoNegative => !IsWallet;

    public static LedgerAccount Wallet(Guid walletId, Currency currency)
    {
        if (walletId == Guid.Empty)
        {
            throw new ArgumentException("A wallet account needs its wallet's id.", nameof(walletId));
        }

        SupportedCurrency.Ensure(currency, nameof(currency));
        return new LedgerAccount("wallet:" + walletId.ToString("D"), AccountKind.Wallet, currency, walletId);
    }

    public static LedgerAccount Funding(Currency currency) =>
        new("operator:funding:" + SupportedCurrency.Code(currency), AccountKind.Funding, currency, null);

    public static LedgerAccount Conversion(Currency currency) =>
        new("operator:conversion:" + SupportedCurrency.Code(currency), AccountKind.Conversion, currency, null);

    public override string ToString() => Id;
}
