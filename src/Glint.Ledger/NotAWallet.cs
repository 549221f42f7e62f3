namespace Glint.Ledger;

/// <summary>A payment or a credit named an operator account where a wallet was expected.</summary>
public sealed record NotAWallet(LedgerAccount Account) : LedgerFailure
{
    public override string Message => $"{Account.Id} is not a wallet.";
}
