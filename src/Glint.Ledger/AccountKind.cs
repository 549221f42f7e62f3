namespace Glint.Ledger;

/// <summary>What a ledger account is for, which decides whether it may go negative.</summary>
public enum AccountKind
{
    /// <summary>A user's wallet in one currency. Never negative: it can only spend what it received.</summary>
    Wallet = 1,

    /// <summary>
    /// The operator's funding (bank-owner) account of a currency. Credits move money out of it into wallets, so it goes
    /// negative by exactly the amount the operator has put into circulation.
    /// </summary>
    Funding = 2,

    /// <summary>
    /// The operator's BTC↔USD conversion account of a currency. A cross-currency payment takes the payer's currency in here
    /// and pays the receiver's currency out of its twin, so each currency still sums to zero.
    /// </summary>
    Conversion = 3,
}
