using System.Buffers;
using System.Globalization;
using System.Text;
using Glint.Auth;
using Glint.Ledger;
using Glint.Wallets.Accounts;
using Glint.Wallets.Invoices;
using Glint.Wallets.Journal;
using Glint.Wallets.Prices;
using Glint.Wallets.Queries;

namespace Glint.Api.LightningAddresses;

/// <summary>A user's LUD-06 pay request, as <c>/.well-known/lnurlp/{username}</c> answers it.</summary>
public sealed record PayRequest(string Callback, long MinSendable, long MaxSendable, string Metadata, int CommentAllowed);

/// <summary>
/// The receiving side of Lightning addresses: a user's pay request, and the invoice its callback issues for the
/// user's default wallet through <see cref="InvoiceIssuer"/>, on the recipient's behalf, so with the limits and rate
/// limits of <c>lnInvoiceCreateOnBehalfOfRecipient</c>. Refusals are LUD-06's reasons.
/// </summary>
public sealed class PayRequests(WalletQueries queries, InvoiceIssuer issuer, IPriceProvider prices, LightningAddressDomains domains, AuthSettings auth)
{
    /// <summary>LUD-12: the longest comment a payer may send, in characters (Unicode scalar values); stored as the invoice's memo.</summary>
    public const int CommentAllowed = 255;

    public const long MaxSendable = InvoiceLimits.MaxSats * 1000;

    public async Task<(PayRequest? Request, string? Reason)> FindAsync(string username, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        var (recipient, reason) = await RecipientAsync(username, cancellationToken);
        if (recipient is null)
        {
            return (null, reason);
        }

        return (new PayRequest(CallbackUrl(recipient.Key), await MinSendableAsync(recipient.Wallet, cancellationToken), MaxSendable,
            PayRequestMetadata.For(recipient.Key, domains.Domain), CommentAllowed), null);
    }

    /// <summary>The callback: an invoice for <paramref name="amount"/> millisatoshis with the metadata's hash as its description hash.</summary>
    public async Task<(string? PaymentRequest, string? Reason)> InvoiceAsync(string username, string? amount, string? comment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(username);
        var (recipient, reason) = await RecipientAsync(username, cancellationToken);
        if (recipient is null)
        {
            return (null, reason);
        }

        if (!long.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var msat))
        {
            return (null, "amount is required: a whole number of millisatoshis.");
        }

        var minimum = await MinSendableAsync(recipient.Wallet, cancellationToken);
        if (msat < minimum || msat > MaxSendable)
        {
            return (null, $"amount must be between {minimum} and {MaxSendable} millisatoshis.");
        }

        if (msat % 1000 != 0)
        {
            return (null, "amount must be a whole number of sats (a multiple of 1000 millisatoshis).");
        }

        if (comment is not null && CommentRefusal(comment) is { } refusal)
        {
            return (null, refusal);
        }

        var kind = recipient.Wallet.Currency == CurrencyCodes.Usd ? InvoiceKind.UsdInSats : InvoiceKind.Btc;
        var metadata = PayRequestMetadata.For(recipient.Key, domains.Domain);
        var request = new InvoiceRequest(recipient.Wallet.Id, null, kind, msat / 1000, string.IsNullOrEmpty(comment) ? null : comment,
            PayRequestMetadata.Hash(metadata), null, null);
        var (invoice, error) = await issuer.CreateAsync(request, cancellationToken);
        return invoice is null ? (null, error?.Message ?? "No invoice can be issued.") : (invoice.PaymentRequest, null);
    }

    /// <summary>
    /// Why <paramref name="comment"/> cannot be taken, or null. Its length is in characters (Unicode scalar values), as
    /// LUD-12 counts them: an emoji is one, though it takes two UTF-16 units.
    /// </summary>
    private static string? CommentRefusal(string comment)
    {
        var characters = 0;
        for (var rest = comment.AsSpan(); !rest.IsEmpty; characters++)
        {
            if (Rune.DecodeFromUtf16(rest, out var character, out var consumed) != OperationStatus.Done)
            {
                return "comment must be valid Unicode text.";
            }

            if (Rune.IsControl(character))
            {
                return "comment must not contain control characters.";
            }

            rest = rest[consumed..];
        }

        return characters > CommentAllowed ? $"comment must be at most {CommentAllowed} characters." : null;
    }

    private sealed record Recipient(string Key, Data.Wallets.Wallet Wallet);

    private async Task<(Recipient? Recipient, string? Reason)> RecipientAsync(string username, CancellationToken cancellationToken)
    {
        var account = await queries.FindAccountByUsernameAsync(username, cancellationToken);
        if (account?.Username is null)
        {
            return (null, $"No user is called {(Usernames.IsValid(username) ? username : "that")} here.");
        }

        if (account.Status != Data.Wallets.AccountStatus.Active)
        {
            return (null, "This user cannot receive payments.");
        }

        var wallet = await queries.FindWalletAsync(account.DefaultWalletId, cancellationToken);
        return wallet is null ? (null, "This user cannot receive payments.") : (new Recipient(Usernames.Key(account.Username), wallet), null);
    }

    /// <summary>One sat; for a USD wallet, the sats that cover one cent at the current price, so a payment never credits nothing.</summary>
    private async Task<long> MinSendableAsync(Data.Wallets.Wallet wallet, CancellationToken cancellationToken)
    {
        if (wallet.Currency != CurrencyCodes.Usd)
        {
            return 1000;
        }

        var quote = await prices.GetPriceAsync(cancellationToken);
        var cover = quote.Price.ConvertRoundingUp(Money.Cents(1));
        return (cover.IsSuccess ? cover.Value.MinorUnits : 1) * 1000;
    }

    private string CallbackUrl(string key) => new Uri(auth.PublicBase, $"lnurlp/{key}/callback").AbsoluteUri;
}
