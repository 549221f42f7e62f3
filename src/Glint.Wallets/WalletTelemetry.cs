using System.Diagnostics.Metrics;
using Glint.Ledger;
using Glint.Wallets.Journal;

namespace Glint.Wallets;

/// <summary>
/// The wallet's metrics (meter <c>Glint.Wallet</c>) and its log event ids, 5000–5099 (the price feed's: 8000–8099).
/// Tags are fixed strings: an outcome, a currency, an error code; never an amount, wallet or invoice.
/// </summary>
public static class WalletTelemetry
{
    public const string Name = "Glint.Wallet";
    public const int FirstEventId = 5000;
    public const int LastEventId = 5099;

    private static readonly Meter Meter = new(Name);

    /// <summary>Payments sent, by <c>kind</c> (intraledger, lightning), <c>outcome</c> (success or the error code) and <c>currency</c>.</summary>
    public static readonly Counter<long> Payments = Meter.CreateCounter<long>("glint.wallet.payments", "{payment}", "Payments sent, by outcome and currency");

    /// <summary>Invoices asked for, by <c>outcome</c> (created or the error code) and <c>currency</c> (BTC, USD, or any for no amount).</summary>
    public static readonly Counter<long> Invoices = Meter.CreateCounter<long>("glint.wallet.invoices", "{invoice}", "Invoices created or refused, by outcome and currency");

    internal static void CountPayment(string kind, string? errorCode, Currency? currency) =>
        Payments.Add(1, new("kind", kind), new("outcome", errorCode ?? "success"), new("currency", currency is { } known ? CurrencyCodes.Of(known) : "unknown"));
}
