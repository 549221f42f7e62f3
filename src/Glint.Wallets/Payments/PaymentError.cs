namespace Glint.Wallets.Payments;

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

    public static readonly PaymentError TooManyInvoices = new("TOO_MANY_REQUEST", "Too many invoices creation, please wait for a while and try again.");
    public static readonly PaymentError InvoiceNotFound = new("INVALID_INPUT", "The invoice was not issued by this server or does not exist.");
    public static readonly PaymentError InvoiceExpired = new("INVALID_INPUT", "The invoice has expired.");
    public static readonly PaymentError InvoiceCancelled = new("INVALID_INPUT", "The invoice was cancelled.");
    public static readonly PaymentError InvoiceNeedsAmount = new("INVALID_INPUT", "The invoice has no amount: pay it with lnNoAmountInvoicePaymentSend or lnNoAmountUsdInvoicePaymentSend.");
    public static readonly PaymentError InvoiceHasAmount = new("INVALID_INPUT", "The invoice has an amount: pay it with lnInvoicePaymentSend.");
    public static readonly PaymentError OwnInvoice = new("CANT_PAY_SELF", "You cannot pay your own invoice.");
    public static readonly PaymentError NoExternalRoute = new("ROUTE_FINDING_ERROR", "No route to external Lightning network configured: only invoices issued by this server can be paid.");

    /// <summary>A payment request that does not decode, or is for another network; the message says why.</summary>
    public static PaymentError InvalidPaymentRequest(string reason) => new("INVALID_INPUT", "Invalid payment request: " + reason);
}
