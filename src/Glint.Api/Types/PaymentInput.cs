namespace Glint.Api.Types;

/// <summary>The input of <c>intraLedgerPaymentSend</c> and <c>intraLedgerUsdPaymentSend</c>: sats or cents of the sender's wallet.</summary>
public sealed record PaymentInput(Guid WalletId, Guid RecipientWalletId, long Amount, string? Memo);
