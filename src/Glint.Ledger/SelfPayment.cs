namespace Glint.Ledger;

/// <summary>The payer and the receiver are the same wallet.</summary>
public sealed record SelfPayment(LedgerAccount Wallet) : LedgerFailure
{
    public override string Message => $"{Wallet.Id} cannot pay itself.";
}
