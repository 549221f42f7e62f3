namespace Glint.Wallet.Payments;

/// <summary>A domain error as the API's payload shows it (<c>errors: [{code, message, path}]</c>).</summary>
public sealed record PaymentError(string Code, string Message)
{
    public static readonly PaymentError InsufficientBalance = new("INSUFFICIENT_BALANCE", "Payment amount exceeds balance.");
    public static readonly PaymentError InvalidWallet = new("INVALID_INPUT", "Invalid walletId for account.");
    public static readonly PaymentError WrongWalletCurrency = new("INVALID_INPUT", "The wallet's currency does not match this payment.");
    public static readonly PaymentError RecipientNotFound = new("INVALID_INPUT", "The recipient wallet does not exist.");
    public static readonly PaymentError SelfPayment = new("CANT_PAY_SELF", "A wallet cannot pay itself.");
    public static readonly PaymentError AmountNotPositive = new("INVALID_INPUT", "The amount must be greater than zero.");
    public static readonly PaymentError AmountTooLarge = new("INVALID_INPUT", "The amount is too large.");
    public static readonly PaymentError AmountRoundsToZero = new("INVALID_INPUT", "The amount is too small to convert.");
    public static readonly PaymentError AccountInactive = new("NOT_AUTHORIZED", "Account is inactive.");
}
