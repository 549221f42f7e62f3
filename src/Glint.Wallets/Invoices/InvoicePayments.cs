using Glint.Data;
using Glint.Data.Wallets;
using Glint.Ledger;
using Glint.Ledger.Storage;
using Glint.Lightning.Bolt11;
using Glint.Wallets.Events;
using Glint.Wallets.Journal;
using Glint.Wallets.Lightning;
using Glint.Wallets.Payments;
using Glint.Wallets.Prices;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Invoices;

/// <summary>How a payment of an invoice ended: SUCCESS, ALREADY_PAID (nothing moved) or FAILURE with its error.</summary>
public sealed record InvoicePaymentOutcome(string Status, PaymentError? Error, Guid? EntryId)
{
    public const string Success = "SUCCESS";
    public const string AlreadyPaid = "ALREADY_PAID";
    public const string Failure = "FAILURE";

    public static InvoicePaymentOutcome Failed(PaymentError error) => new(Failure, error, null);
}

/// <summary>
/// Pays BOLT 11 invoices from a Glint wallet. An invoice Glint issued settles in the ledger: one transaction debits
/// the payer, credits the invoice's wallet and marks the invoice PAID, guarded so that only one payment can ever
/// claim it (a second, even a concurrent one, gets ALREADY_PAID and moves nothing). Any other invoice goes to the
/// Lightning node connector.
/// </summary>
public sealed class InvoicePayments(
    GlintDbContext db, WalletLedger ledger, LightningNode node, ILightningNodeConnector connector, IPriceProvider prices, TimeProvider time)
{
    /// <summary>
    /// Pays <paramref name="paymentRequest"/> from <paramref name="walletId"/>. <paramref name="amount"/> is null for an
    /// invoice with an amount; for one without, it is the amount to send in <paramref name="amountCurrency"/> (sats
    /// for <c>lnNoAmountInvoicePaymentSend</c>, cents for <c>lnNoAmountUsdInvoicePaymentSend</c>), which must be the
    /// paying wallet's.
    /// </summary>
    public async Task<InvoicePaymentOutcome> PayAsync(
        Guid payerAccountId, Guid walletId, string paymentRequest, long? amount, Currency? amountCurrency, string? memo, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        var outcome = await PayOnceAsync(payerAccountId, walletId, paymentRequest, amount, amountCurrency, memo, idempotencyKey, cancellationToken);
        WalletTelemetry.CountPayment("lightning", outcome.Error?.Code, amountCurrency);
        return outcome;
    }

    private async Task<InvoicePaymentOutcome> PayOnceAsync(
        Guid payerAccountId, Guid walletId, string paymentRequest, long? amount, Currency? amountCurrency, string? memo, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        var (payer, decoded, failure) = await PrepareAsync(payerAccountId, walletId, paymentRequest, amount, amountCurrency, cancellationToken);
        if (failure is not null)
        {
            return InvoicePaymentOutcome.Failed(failure);
        }

        if (decoded!.PayeeNodeId != node.NodeId)
        {
            var external = await connector.PayAsync(decoded, decoded.AmountMsat ?? amount!.Value * 1000, cancellationToken);
            return InvoicePaymentOutcome.Failed(external ?? PaymentError.NoExternalRoute);
        }

        var invoice = await db.LightningInvoices.AsNoTracking().SingleOrDefaultAsync(i => i.PaymentHash == decoded.PaymentHash, cancellationToken);
        if (invoice is null)
        {
            return InvoicePaymentOutcome.Failed(PaymentError.InvoiceNotFound);
        }

        if (InvoiceStatuses.Of(invoice, time.GetUtcNow()) is var status && status != InvoiceStatuses.Pending)
        {
            return Closed(status);
        }

        if (invoice.AccountId == payerAccountId)
        {
            return InvoicePaymentOutcome.Failed(PaymentError.OwnInvoice);
        }

        var receiver = await db.Wallets.AsNoTracking().SingleAsync(w => w.Id == invoice.WalletId, cancellationToken);
        var quote = await prices.GetPriceAsync(cancellationToken);
        var header = new EntryHeader(Guid.NewGuid(), time.GetUtcNow(), idempotencyKey, memo ?? invoice.Memo);
        var built = Movement(header, payer!, receiver, invoice, amount, quote.Price);
        if (!built.IsSuccess)
        {
            return InvoicePaymentOutcome.Failed(PaymentService.Map(built.Failure));
        }

        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => a.Id == payer!.AccountId || a.Id == receiver.AccountId)
            .ToDictionaryAsync(a => a.Id, a => (a.Username, a.Status), cancellationToken);
        if (accounts.GetValueOrDefault(receiver.AccountId).Status != Data.Wallets.AccountStatus.Active)
        {
            // The invoice was issued while its account was active; an account closed or locked since receives nothing.
            return InvoicePaymentOutcome.Failed(PaymentError.RecipientInactive);
        }
        var details = new EntryDetails
        {
            PayerWalletId = payer!.Id,
            PayerUsername = accounts.GetValueOrDefault(payer.AccountId).Username,
            ReceiverWalletId = receiver.Id,
            ReceiverUsername = accounts.GetValueOrDefault(receiver.AccountId).Username,
            CentsPerBitcoin = quote.Price.CentsPerBitcoin,
            PaymentHash = invoice.PaymentHash,
            PaymentRequest = invoice.PaymentRequest,
            Preimage = invoice.Preimage,
        };

        var entryId = built.Value.Id;
        var appended = await ledger.AppendAsync(new LedgerAppend(built.Value)
        {
            Initiator = payerAccountId,
            Details = details.Serialize(),
            Notifications =
            [
                new WalletEvent(WalletEvent.InvoicePaid, receiver.AccountId, receiver.Id, invoice.PaymentHash, entryId).Serialize(),
                new WalletEvent(WalletEvent.PaymentSent, payer.AccountId, payer.Id, invoice.PaymentHash, entryId).Serialize(),
            ],
        }, new InvoiceClaim(invoice.PaymentHash), cancellationToken);

        switch (appended.Status)
        {
            case AppendStatus.Appended:
                return new InvoicePaymentOutcome(InvoicePaymentOutcome.Success, null, entryId);
            case AppendStatus.Replayed:
                return new InvoicePaymentOutcome(InvoicePaymentOutcome.Success, null, appended.EntryId);
            case AppendStatus.ClaimRefused:
                var now = await db.LightningInvoices.AsNoTracking().SingleAsync(i => i.PaymentHash == invoice.PaymentHash, cancellationToken);
                return Closed(InvoiceStatuses.Of(now, time.GetUtcNow()));
            case AppendStatus.InsufficientBalance:
                return InvoicePaymentOutcome.Failed(PaymentError.InsufficientBalance);
            default:
                return InvoicePaymentOutcome.Failed(PaymentError.InvalidWallet);
        }
    }

    /// <summary>
    /// The fee to pay the invoice: zero for an invoice Glint issued (it settles in the ledger), the connector's answer
    /// for any other. Checks what paying would check, short of the balance. <paramref name="walletCurrency"/>, when
    /// given, is the currency the wallet must be in, that of <paramref name="amount"/> (for an invoice without one)
    /// and that of the fee answered: a USD wallet's fee is in cents, as Blink's USD probes answer it.
    /// </summary>
    public async Task<(long? Fee, PaymentError? Error)> ProbeAsync(
        Guid payerAccountId, Guid walletId, string paymentRequest, long? amount, Currency? walletCurrency, CancellationToken cancellationToken)
    {
        var (_, decoded, failure) = await PrepareAsync(payerAccountId, walletId, paymentRequest, amount, walletCurrency, cancellationToken);
        if (failure is not null)
        {
            return (null, failure);
        }

        if (decoded!.PayeeNodeId != node.NodeId)
        {
            return walletCurrency == Currency.Usd
                ? await ProbeExternalInCentsAsync(decoded, amount, cancellationToken)
                : await connector.ProbeAsync(decoded, decoded.AmountMsat ?? amount!.Value * 1000, cancellationToken);
        }

        var invoice = await db.LightningInvoices.AsNoTracking().SingleOrDefaultAsync(i => i.PaymentHash == decoded.PaymentHash, cancellationToken);
        return invoice switch
        {
            null => (null, PaymentError.InvoiceNotFound),
            _ when invoice.AccountId == payerAccountId => (null, PaymentError.OwnInvoice),
            _ => InvoiceStatuses.Of(invoice, time.GetUtcNow()) switch
            {
                InvoiceStatuses.Pending => (0, null),
                InvoiceStatuses.Paid => (null, new PaymentError("INVALID_INPUT", "The invoice is already paid.")),
                var closed => (null, Closed(closed).Error),
            },
        };
    }

    /// <summary>
    /// Probes an invoice from elsewhere for a USD wallet; the node routes sats. The cents to send become the sats they
    /// are worth, rounded down as a USD wallet paying a BTC wallet sends them, and the fee in sats becomes the cents
    /// that cover it, rounded up as a USD wallet paying sats pays them (zero stays zero).
    /// </summary>
    private async Task<(long? FeeCents, PaymentError? Error)> ProbeExternalInCentsAsync(Bolt11Invoice decoded, long? cents, CancellationToken cancellationToken)
    {
        var price = (await prices.GetPriceAsync(cancellationToken)).Price;
        var amountMsat = decoded.AmountMsat;
        if (amountMsat is null)
        {
            var sats = price.ConvertRoundingDown(Money.Cents(cents!.Value));
            if (!sats.IsSuccess || sats.Value.IsZero)
            {
                return (null, sats.IsSuccess ? PaymentError.AmountRoundsToZero : PaymentError.AmountTooLarge);
            }

            amountMsat = sats.Value.MinorUnits * 1000;
        }

        var (feeSats, error) = await connector.ProbeAsync(decoded, amountMsat.Value, cancellationToken);
        if (feeSats is null)
        {
            return (null, error);
        }

        var fee = price.ConvertRoundingUp(Money.Sats(feeSats.Value));
        return fee.IsSuccess ? (fee.Value.MinorUnits, error) : (null, PaymentError.AmountTooLarge);
    }

    private async Task<(Data.Wallets.Wallet? Payer, Bolt11Invoice? Invoice, PaymentError? Error)> PrepareAsync(
        Guid payerAccountId, Guid walletId, string paymentRequest, long? amount, Currency? amountCurrency, CancellationToken cancellationToken)
    {
        var payer = await db.Wallets.AsNoTracking().SingleOrDefaultAsync(w => w.Id == walletId, cancellationToken);
        if (payer is null || payer.AccountId != payerAccountId)
        {
            return (null, null, PaymentError.InvalidWallet);
        }

        if (amountCurrency is { } currency && CurrencyCodes.Parse(payer.Currency) != currency)
        {
            return (null, null, PaymentError.WrongWalletCurrency);
        }

        Bolt11Invoice decoded;
        try
        {
            decoded = node.Decoder.Decode(paymentRequest);
        }
        catch (InvalidInvoiceException exception)
        {
            return (null, null, exception.Reason == InvoiceError.Expired ? PaymentError.InvoiceExpired : PaymentError.InvalidPaymentRequest(exception.Message));
        }

        if (amount is null && decoded.AmountMsat is null)
        {
            return (null, null, PaymentError.InvoiceNeedsAmount);
        }

        if (amount is not null && decoded.AmountMsat is not null)
        {
            return (null, null, PaymentError.InvoiceHasAmount);
        }

        if (amount is <= 0)
        {
            return (null, null, PaymentError.AmountNotPositive);
        }

        return (payer, decoded, null);
    }

    /// <summary>
    /// The entry that pays the invoice. With an amount, the receiver gets exactly what the invoice was made for: the
    /// sats of a BTC invoice, the cents of a USD one; a payer in the other currency pays the sats of a USD invoice, or
    /// the cents that cover a BTC invoice (rounded up). Without one, the payer sends its amount, converted as an
    /// internal payment is.
    /// </summary>
    private static LedgerResult<JournalEntry> Movement(
        EntryHeader header, Data.Wallets.Wallet payer, Data.Wallets.Wallet receiver, LightningInvoice invoice, long? amount, BtcUsdPrice price)
    {
        var from = CurrencyCodes.WalletAccount(payer);
        var to = CurrencyCodes.WalletAccount(receiver);
        if (amount is { } sent)
        {
            return Movements.Payment(header, from, to, new Money(sent, from.Currency), price);
        }

        var credit = new Money(invoice.CreditAmount!.Value, to.Currency);
        if (from.Currency == to.Currency)
        {
            return Movements.IntraLedgerPayment(header, from, to, credit);
        }

        if (to.Currency == Currency.Usd)
        {
            return Movements.SettledConversion(header, from, Money.Sats(invoice.AmountSats!.Value), to, credit);
        }

        var cover = price.ConvertRoundingUp(credit);
        return cover.IsSuccess ? Movements.SettledConversion(header, from, cover.Value, to, credit) : cover.Failure;
    }

    private static InvoicePaymentOutcome Closed(string status) => status switch
    {
        InvoiceStatuses.Paid => new InvoicePaymentOutcome(InvoicePaymentOutcome.AlreadyPaid, null, null),
        InvoiceStatuses.Cancelled => InvoicePaymentOutcome.Failed(PaymentError.InvoiceCancelled),
        _ => InvoicePaymentOutcome.Failed(PaymentError.InvoiceExpired),
    };
}
