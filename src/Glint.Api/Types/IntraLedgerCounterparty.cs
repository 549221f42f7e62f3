namespace Glint.Api.Types;

/// <summary>The other side of an internal payment, seen from one wallet; both null for an operator credit.</summary>
public sealed record IntraLedgerCounterparty(string? Username, Guid? WalletId);
