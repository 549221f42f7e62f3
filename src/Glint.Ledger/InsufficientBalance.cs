namespace Glint.Ledger;

/// <summary>The entry would take a wallet below zero.</summary>
public sealed record InsufficientBalance(LedgerAccount Account, Money Balance, Money Debit) : LedgerFailure
{
    public override string Message => $"{Account.Id} holds {Balance} and cannot pay {Debit}.";
}
