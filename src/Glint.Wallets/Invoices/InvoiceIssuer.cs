using System.Security.Cryptography;
using Glint.Data;
using Glint.Data.Wallets;
using Glint.Ledger;
using Glint.Lightning.Bolt11;
using Glint.Wallets.Events;
using Glint.Wallets.Journal;
using Glint.Wallets.Lightning;
using Glint.Wallets.Payments;
using Glint.Wallets.Prices;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Invoices;

/// <summary>
/// Issues BOLT 11 invoices for Glint's wallets, signed with the node key, and cancels unpaid ones. The preimage is
/// random and stays in the database until the invoice is paid.
/// </summary>
public sealed class InvoiceIssuer(GlintDbContext db, LightningNode node, IPriceProvider prices, InvoiceLimits limits, WalletEvents events, TimeProvider time)
{
    /// <summary>BOLT 9 var_onion_optin (8) and payment_secret (14), both required, as every current node writes them.</summary>
    private static readonly System.Numerics.BigInteger Features = (System.Numerics.BigInteger.One << 8) | (System.Numerics.BigInteger.One << 14);

    public async Task<(LightningInvoice? Invoice, PaymentError? Error)> CreateAsync(InvoiceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var created = await CreateOnceAsync(request, cancellationToken);
        var currency = request.Kind switch { InvoiceKind.Btc => CurrencyCodes.Btc, InvoiceKind.Usd or InvoiceKind.UsdInSats => CurrencyCodes.Usd, _ => "any" };
        WalletTelemetry.Invoices.Add(1, new("outcome", created.Error?.Code ?? "created"), new("currency", currency));
        return created;
    }

    private async Task<(LightningInvoice? Invoice, PaymentError? Error)> CreateOnceAsync(InvoiceRequest request, CancellationToken cancellationToken)
    {
        var wallet = await db.Wallets.AsNoTracking().SingleOrDefaultAsync(w => w.Id == request.WalletId, cancellationToken);
        if (wallet is null || (request.CallerAccountId is { } caller && wallet.AccountId != caller))
        {
            return (null, request.OnBehalfOfRecipient ? PaymentError.RecipientNotFound : PaymentError.InvalidWallet);
        }

        var recipientStatus = await db.Accounts.AsNoTracking().Where(a => a.Id == wallet.AccountId).Select(a => a.Status).SingleAsync(cancellationToken);
        if (recipientStatus != AccountStatus.Active)
        {
            return (null, PaymentError.AccountInactive);
        }

        if (Check(request, wallet) is { } invalid)
        {
            return (null, invalid);
        }

        if (!limits.TryCreate(wallet.AccountId, request.OnBehalfOfRecipient))
        {
            return (null, PaymentError.TooManyInvoices);
        }

        var now = time.GetUtcNow();
        var (amountSats, creditAmount) = await AmountsAsync(request, cancellationToken);
        if (amountSats is <= 0 || creditAmount is <= 0)
        {
            return (null, PaymentError.AmountRoundsToZero);
        }

        var expiry = request.ExpiresInMinutes is { } minutes ? TimeSpan.FromMinutes(minutes)
            : request.Kind is InvoiceKind.Usd or InvoiceKind.UsdInSats ? InvoiceLimits.UsdExpiry : InvoiceLimits.DefaultBtcExpiry;
        var preimage = RandomNumberGenerator.GetBytes(32);
        var paymentHash = Convert.ToHexStringLower(SHA256.HashData(preimage));
        var paymentSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var createdAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var paymentRequest = Bolt11Encoder.Encode(new Bolt11Invoice
        {
            Network = node.Network,
            AmountMsat = amountSats * 1000,
            Timestamp = createdAt,
            PaymentHash = paymentHash,
            PaymentSecret = paymentSecret,
            Description = request.DescriptionHash is null ? request.Memo ?? "" : null,
            DescriptionHash = request.DescriptionHash?.ToLowerInvariant(),
            ExpirySeconds = (long)expiry.TotalSeconds,
            PayeeNodeId = node.NodeId,
            Features = Features,
        }, node.Key);

        var invoice = new LightningInvoice
        {
            PaymentHash = paymentHash,
            Preimage = Convert.ToHexStringLower(preimage),
            PaymentSecret = paymentSecret,
            PaymentRequest = paymentRequest,
            WalletId = wallet.Id,
            AccountId = wallet.AccountId,
            Currency = wallet.Currency,
            AmountSats = amountSats,
            CreditAmount = creditAmount,
            Memo = request.Memo,
            DescriptionHash = request.DescriptionHash?.ToLowerInvariant(),
            ExternalId = request.ExternalId,
            Status = InvoiceStatuses.Pending,
            CreatedAt = createdAt,
            ExpiresAt = createdAt + expiry,
        };
        db.LightningInvoices.Add(invoice);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(invoice).State = EntityState.Detached;
        await events.PublishAsync([new WalletEvent(WalletEvent.InvoiceCreated, wallet.AccountId, wallet.Id, paymentHash)], cancellationToken);
        return (invoice, null);
    }

    /// <summary>Cancels an unpaid invoice of the caller's wallet; a paid one stays paid.</summary>
    public async Task<PaymentError?> CancelAsync(Guid callerAccountId, Guid walletId, string paymentHash, CancellationToken cancellationToken)
    {
        var wallet = await db.Wallets.AsNoTracking().SingleOrDefaultAsync(w => w.Id == walletId, cancellationToken);
        if (wallet is null || wallet.AccountId != callerAccountId)
        {
            return PaymentError.InvalidWallet;
        }

        var hash = paymentHash.ToLowerInvariant();
        var cancelled = await db.LightningInvoices
            .Where(i => i.PaymentHash == hash && i.WalletId == walletId && i.Status == InvoiceStatuses.Pending)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.Status, InvoiceStatuses.Cancelled), cancellationToken);
        if (cancelled == 1)
        {
            await events.PublishAsync([new WalletEvent(WalletEvent.InvoiceCancelled, wallet.AccountId, wallet.Id, hash)], cancellationToken);
            return null;
        }

        var status = await db.LightningInvoices.AsNoTracking().Where(i => i.PaymentHash == hash && i.WalletId == walletId)
            .Select(i => i.Status).SingleOrDefaultAsync(cancellationToken);
        return status switch
        {
            null => PaymentError.InvoiceNotFound,
            InvoiceStatuses.Cancelled => null,
            _ => new PaymentError("INVALID_INPUT", "The invoice is already paid."),
        };
    }

    private static PaymentError? Check(InvoiceRequest request, Data.Wallets.Wallet wallet)
    {
        var wanted = request.Kind switch
        {
            InvoiceKind.Btc => CurrencyCodes.Btc,
            InvoiceKind.Usd or InvoiceKind.UsdInSats => CurrencyCodes.Usd,
            _ => wallet.Currency,
        };
        if (wallet.Currency != wanted)
        {
            return PaymentError.WrongWalletCurrency;
        }

        var maximum = request.Kind == InvoiceKind.Usd ? InvoiceLimits.MaxCents : InvoiceLimits.MaxSats;
        if (request.Kind != InvoiceKind.NoAmount && request.Amount is not > 0)
        {
            return PaymentError.AmountNotPositive;
        }

        if (request.Amount > maximum)
        {
            return new PaymentError("INVALID_INPUT", request.Kind == InvoiceKind.Usd
                ? $"The amount is too large: at most {maximum} cents."
                : $"The amount is too large: at most {maximum} sats.");
        }

        var maxExpiry = request.Kind is InvoiceKind.Usd or InvoiceKind.UsdInSats ? InvoiceLimits.UsdExpiry : InvoiceLimits.MaxBtcExpiry;
        if (request.ExpiresInMinutes is { } minutes && (minutes < 1 || minutes > maxExpiry.TotalMinutes))
        {
            return new PaymentError("INVALID_INPUT", $"expiresIn must be between 1 and {maxExpiry.TotalMinutes} minutes.");
        }

        return request.ExternalId is { Length: > 100 } ? new PaymentError("INVALID_INPUT", "externalId is at most 100 characters.") : null;
    }

    /// <summary>
    /// The invoice's sats and what the wallet is credited, both fixed now at the current price and recorded with the
    /// invoice: a USD invoice asks for the sats that cover its cents (rounded up), and credits exactly those cents
    /// when it is paid; a USD invoice in sats credits the cents its sats are worth (rounded down). Either way the
    /// rounding is in the ledger's favour and against the recipient, by less than one unit, so that paying an
    /// invoice never credits more than the sats it takes are worth, as with any conversion.
    /// </summary>
    private async Task<(long? Sats, long? Credit)> AmountsAsync(InvoiceRequest request, CancellationToken cancellationToken)
    {
        switch (request.Kind)
        {
            case InvoiceKind.Btc:
                return (request.Amount, request.Amount);
            case InvoiceKind.Usd:
                var quote = await prices.GetPriceAsync(cancellationToken);
                var sats = quote.Price.ConvertRoundingUp(Money.Cents(request.Amount!.Value));
                return (sats.IsSuccess ? sats.Value.MinorUnits : 0, request.Amount);
            case InvoiceKind.UsdInSats:
                var price = await prices.GetPriceAsync(cancellationToken);
                var cents = price.Price.ConvertRoundingDown(Money.Sats(request.Amount!.Value));
                return (request.Amount, cents.IsSuccess ? cents.Value.MinorUnits : 0);
            default:
                return (null, null);
        }
    }
}
