namespace Glint.Ledger;

/// <summary>An amount, or another wallet, is not in the currency the account holds.</summary>
public sealed record CurrencyMismatch(LedgerAccount Account, Currency Expected, Currency Actual) : LedgerFailure
{
    public override string Message => $"{Account.Id} holds {Expected}, not {Actual}.";
}
