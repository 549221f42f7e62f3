using Glint.Data;
using Glint.Ledger;
using Glint.Wallet.Events;
using Glint.Wallet.Ledger;
using Glint.Wallet.Prices;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallet.Payments;

public enum PaymentStatus
{
    Success,
    Failure,
}

/// <summary>The result of a payment or credit: on success the entry that moved the money (the first one on a retry).</summary>
public sealed record PaymentOutcome(PaymentStatus Status, PaymentError? Error, Guid? EntryId)
{
    public static PaymentOutcome Failed(PaymentError error) => new(PaymentStatus.Failure, error, null);
}

/// <summary>Internal payments between Glint wallets, and operator credits, each one balanced journal entry.</summary>
public sealed class PaymentService(GlintDbContext db, WalletLedger ledger, IPriceProvider prices, WalletEvents events, TimeProvider time)
{
    /// <summary>
    /// Pays <paramref name="amount"/> minor units of the payer wallet's currency to another wallet, converting at the
    /// current price when the recipient holds the other currency. <paramref name="sendingCurrency"/> is the currency
    /// the mutation sends (BTC for <c>intraLedgerPaymentSend</c>, USD for <c>intraLedgerUsdPaymentSend</c>).
    /// </summary>
    public async Task<PaymentOutcome> PayAsync(
        Guid payerAccountId, Guid walletId, Guid recipientWalletId, long amount, Currency sendingCurrency, string? memo, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        // Both wallets and their accounts in one query.
        var parties = await db.Wallets.AsNoTracking()
            .Where(w => w.Id == walletId || w.Id == recipientWalletId)
            .Join(db.Accounts, w => w.AccountId, a => a.Id, (w, a) => new { Wallet = w, a.Username, a.Status })
            .ToListAsync(cancellationToken);
        var payerParty = parties.Find(party => party.Wallet.Id == walletId);
        if (payerParty is null || payerParty.Wallet.AccountId != payerAccountId)
        {
            return PaymentOutcome.Failed(PaymentError.InvalidWallet);
        }

        var payer = payerParty.Wallet;
        if (CurrencyCodes.Parse(payer.Currency) != sendingCurrency)
        {
            return PaymentOutcome.Failed(PaymentError.WrongWalletCurrency);
        }

        var receiverParty = parties.Find(party => party.Wallet.Id == recipientWalletId);
        if (receiverParty is null)
        {
            return PaymentOutcome.Failed(PaymentError.RecipientNotFound);
        }

        var receiver = receiverParty.Wallet;
        if (payerParty.Status != "active")
        {
            return PaymentOutcome.Failed(PaymentError.AccountInactive);
        }

        var quote = await prices.GetPriceAsync(cancellationToken);
        var header = new EntryHeader(Guid.NewGuid(), time.GetUtcNow(), idempotencyKey, memo);
        var built = Movements.Payment(header, CurrencyCodes.WalletAccount(payer), CurrencyCodes.WalletAccount(receiver),
            new Money(amount, sendingCurrency), quote.Price);
        if (!built.IsSuccess)
        {
            return PaymentOutcome.Failed(Map(built.Failure));
        }

        var details = new EntryDetails
        {
            PayerWalletId = payer.Id,
            PayerUsername = payerParty.Username,
            ReceiverWalletId = receiver.Id,
            ReceiverUsername = receiverParty.Username,
            CentsPerBitcoin = quote.Price.CentsPerBitcoin,
        };
        var appended = await ledger.AppendAsync(built.Value, payerAccountId, details, cancellationToken);
        if (appended.Status == AppendStatus.Appended)
        {
            await events.PublishAsync(
            [
                new WalletEvent(WalletEvent.PaymentSent, payer.AccountId, payer.Id, EntryId: appended.EntryId),
                new WalletEvent(WalletEvent.PaymentReceived, receiver.AccountId, receiver.Id, EntryId: appended.EntryId),
            ], cancellationToken);
        }

        return Outcome(appended);
    }

    /// <summary>Funds a wallet from the operator's funding account (<c>glint wallets credit</c>).</summary>
    public async Task<PaymentOutcome> CreditAsync(Guid walletId, long amount, string? memo, CancellationToken cancellationToken)
    {
        var wallet = await db.Wallets.AsNoTracking().SingleOrDefaultAsync(w => w.Id == walletId, cancellationToken);
        if (wallet is null)
        {
            return PaymentOutcome.Failed(PaymentError.RecipientNotFound);
        }

        var quote = await prices.GetPriceAsync(cancellationToken);
        var account = CurrencyCodes.WalletAccount(wallet);
        var built = Movements.Credit(new EntryHeader(Guid.NewGuid(), time.GetUtcNow(), memo: memo), account, new Money(amount, account.Currency));
        if (!built.IsSuccess)
        {
            return PaymentOutcome.Failed(Map(built.Failure));
        }

        var details = new EntryDetails { ReceiverWalletId = wallet.Id, CentsPerBitcoin = quote.Price.CentsPerBitcoin };
        return Outcome(await ledger.AppendAsync(built.Value, initiatorAccountId: null, details, cancellationToken));
    }

    private static PaymentOutcome Outcome(AppendResult appended) => appended.Status switch
    {
        AppendStatus.Appended or AppendStatus.Replayed => new PaymentOutcome(PaymentStatus.Success, null, appended.EntryId),
        AppendStatus.InsufficientBalance => PaymentOutcome.Failed(PaymentError.InsufficientBalance),
        _ => PaymentOutcome.Failed(PaymentError.InvalidWallet),
    };

    internal static PaymentError Map(LedgerFailure failure) => failure switch
    {
        SelfPayment => PaymentError.SelfPayment,
        InvalidAmount { Reason: InvalidAmountReason.TooLarge } => PaymentError.AmountTooLarge,
        InvalidAmount { Reason: InvalidAmountReason.RoundsToZero } => PaymentError.AmountRoundsToZero,
        InvalidAmount => PaymentError.AmountNotPositive,
        _ => PaymentError.InvalidWallet,
    };
}
