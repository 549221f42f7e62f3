namespace Glint.Ledger;

public sealed record AccountBalance(LedgerAccount Account, Money Balance);
