using System.Text.Json;
using Glint.Lightning.Bolt11;
using Glint.Wallets.Invoices;
using Glint.Wallets.Journal;
using Glint.Wallets.Lightning;
using Glint.Wallets.Payments;
using Glint.Wallets.Queries;

namespace Glint.Api.LightningAddresses;

/// <summary>
/// <c>lnAddressPaymentSend</c> and <c>lnurlPaymentSend</c>. A Lightning address or LNURL of this server (its domain
/// or an alias) is paid in the ledger as an internal payment to the user's default wallet, with no HTTP call. Any
/// other is LUD-06's exchange over <see cref="LnurlFetcher"/>: the pay request, the amount within its bounds, the
/// callback's invoice decoded and checked (its amount is the one asked for, its description hash the SHA-256 of the
/// metadata), and only then paid through <see cref="InvoicePayments"/>, so through the Lightning connector.
/// </summary>
public sealed class LnurlPayments(
    LightningAddressDomains domains, WalletQueries queries, PaymentService payments, InvoicePayments invoices, LnurlFetcher fetcher, LightningNode node)
{
    /// <summary>Blink's code for an LNURL service that could not give a usable invoice.</summary>
    public const string RequestInvoiceError = "LNURL_REQUEST_INVOICE_ERROR";

    public async Task<InvoicePaymentOutcome> PayAsync(
        Data.Wallets.WalletAccount payer, Guid walletId, string target, string field, long sats, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(target);
        if (sats <= 0)
        {
            return InvoicePaymentOutcome.Failed(PaymentError.AmountNotPositive);
        }

        if (sats > InvoiceLimits.MaxSats)
        {
            return InvoicePaymentOutcome.Failed(new PaymentError("INVALID_INPUT", $"The amount is too large: at most {InvoiceLimits.MaxSats} sats."));
        }

        var (parsed, problem) = LnurlTarget.Parse(target, field);
        if (parsed is null)
        {
            return Refused(problem!);
        }

        // Checked before any HTTP call: a payment that cannot leave this wallet never reaches the LNURL service.
        var wallet = await queries.FindWalletAsync(walletId, cancellationToken);
        if (wallet is null || wallet.AccountId != payer.Id)
        {
            return InvoicePaymentOutcome.Failed(PaymentError.InvalidWallet);
        }

        if (wallet.Currency != CurrencyCodes.Btc)
        {
            return InvoicePaymentOutcome.Failed(new PaymentError("INVALID_INPUT", "Lightning addresses and LNURLs are paid in sats from a BTC wallet."));
        }

        return OwnUsername(parsed) is { } username
            ? await PayInternallyAsync(payer, walletId, username, target.Trim(), sats, idempotencyKey, cancellationToken)
            : await PayExternallyAsync(payer, walletId, parsed, sats, idempotencyKey, cancellationToken);
    }

    /// <summary>The user named by an address on one of this server's domains, or by the URL of one of its pay requests.</summary>
    private string? OwnUsername(LnurlTarget target)
    {
        if (target.Url is null)
        {
            return domains.IsOwn(target.Domain!) ? target.Username : null;
        }

        var segments = target.Url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return domains.IsOwn(target.Url.Authority) && segments is [".well-known", "lnurlp", var name] && target.Url.Query.Length == 0
            ? Uri.UnescapeDataString(name).ToLowerInvariant()
            : null;
    }

    private async Task<InvoicePaymentOutcome> PayInternallyAsync(
        Data.Wallets.WalletAccount payer, Guid walletId, string username, string target, long sats, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var recipient = await queries.FindAccountByUsernameAsync(username, cancellationToken);
        if (recipient is null)
        {
            return Refused($"No user is called {username} at {domains.Domain}.");
        }

        if (recipient.Status != "active")
        {
            return Refused($"{username}@{domains.Domain} cannot receive payments.");
        }

        var outcome = await payments.PayLnurlAsync(payer, walletId, recipient.DefaultWalletId, sats, target, idempotencyKey, cancellationToken);
        return outcome.Status == PaymentStatus.Success
            ? new InvoicePaymentOutcome(InvoicePaymentOutcome.Success, null, outcome.EntryId)
            : InvoicePaymentOutcome.Failed(outcome.Error ?? PaymentError.InvalidWallet);
    }

    private async Task<InvoicePaymentOutcome> PayExternallyAsync(
        Data.Wallets.WalletAccount payer, Guid walletId, LnurlTarget target, long sats, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var url = target.PayRequestUrl(fetcher.AllowPrivateTargets);
        var (payRequest, problem) = await fetcher.GetAsync(url, cancellationToken);
        if (payRequest is not { } request)
        {
            return Refused(problem!);
        }

        if (ServiceError(request) is { } reason)
        {
            return Refused(reason);
        }

        if (!Text(request, "tag", out var tag) || tag != "payRequest" || !Text(request, "metadata", out var metadata)
            || !Text(request, "callback", out var callbackText) || !Uri.TryCreate(callbackText, UriKind.Absolute, out var callback)
            || !Number(request, "minSendable", out var minSendable) || !Number(request, "maxSendable", out var maxSendable))
        {
            return Refused($"{url.Host} did not answer with a pay request (tag payRequest, callback, minSendable, maxSendable, metadata).");
        }

        var msat = sats * 1000;
        if (msat < minSendable || msat > maxSendable)
        {
            return Refused($"The amount must be between {(minSendable + 999) / 1000} and {maxSendable / 1000} sats for this LNURL.");
        }

        var (invoiceAnswer, invoiceProblem) = await fetcher.GetAsync(WithAmount(callback, msat), cancellationToken);
        if (invoiceAnswer is not { } answer)
        {
            return Refused(invoiceProblem!);
        }

        if (ServiceError(answer) is { } refusal)
        {
            return Refused(refusal);
        }

        if (!Text(answer, "pr", out var paymentRequest))
        {
            return Refused($"{callback.Host} answered without an invoice (pr).");
        }

        Bolt11Invoice invoice;
        try
        {
            invoice = node.Decoder.Decode(paymentRequest);
        }
        catch (InvalidInvoiceException exception)
        {
            return Refused($"The LNURL service's invoice is not usable: {exception.Message}");
        }

        if (invoice.AmountMsat != msat)
        {
            return Refused($"The LNURL service returned an invoice for {invoice.AmountMsat?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} millisatoshis, not the {msat} asked for.");
        }

        if (!string.Equals(invoice.DescriptionHash, PayRequestMetadata.Hash(metadata), StringComparison.OrdinalIgnoreCase))
        {
            return Refused("The LNURL service returned an invoice whose description hash is not the SHA-256 of its metadata.");
        }

        return await invoices.PayAsync(payer.Id, walletId, paymentRequest, null, null, null, idempotencyKey, cancellationToken);
    }

    private static InvoicePaymentOutcome Refused(string message) => InvoicePaymentOutcome.Failed(new PaymentError(RequestInvoiceError, message));

    /// <summary>LUD-06's <c>{"status":"ERROR","reason":…}</c>, the reason cut to a length fit for a message.</summary>
    private static string? ServiceError(JsonElement json) =>
        Text(json, "status", out var status) && status.Equals("ERROR", StringComparison.OrdinalIgnoreCase)
            ? "The LNURL service refused: " + (Text(json, "reason", out var reason) ? reason[..Math.Min(reason.Length, 200)] : "no reason given.")
            : null;

    private static Uri WithAmount(Uri callback, long msat)
    {
        var query = callback.Query.Length > 1 ? callback.Query[1..] + "&" : "";
        return new UriBuilder(callback) { Query = query + "amount=" + msat.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Uri;
    }

    private static bool Text(JsonElement json, string name, out string value)
    {
        value = json.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString()! : "";
        return value.Length > 0;
    }

    private static bool Number(JsonElement json, string name, out long value)
    {
        value = 0;
        return json.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetInt64(out value);
    }
}
