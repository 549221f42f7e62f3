namespace Glint.Ledger;

/// <summary>The entry posts to a wallet the store does not hold: wallets are opened before anything posts to them.</summary>
public sealed record UnknownWallet(LedgerAccount Account) : LedgerFailure
{
    public override string Message => $"{Account.Id} is not a wallet of this ledger.";
}
