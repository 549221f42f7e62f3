using Glint.Data;
using Glint.Data.Wallets;
using Glint.Ledger;
using Glint.Ledger.Storage;
using Glint.Wallets.Events;
using Glint.Wallets.Journal;
using Glint.Wallets.Prices;
using Microsoft.EntityFrameworkCore;

namespace Glint.Wallets.Payments;

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
public sealed class PaymentService(
    GlintDbContext db, ILedgerStore ledger, WalletLedger writer, WalletOwnership ownership, IPriceProvider prices, TimeProvider time)
{
    private sealed record Party(Guid WalletId, Guid AccountId, string Currency, string? Username);

    /// <summary>
    /// Both wallets in one query, with the recipient's username; the payer's account is the caller's, read before.
    /// (Not an EF compiled query: one is bound to the first model it runs with, and tests run both providers.)
    /// </summary>
    private IAsyncEnumerable<Party> Parties(Guid walletId, Guid recipientWalletId) => db.Wallets
        .Where(wallet => wallet.Id == walletId || wallet.Id == recipientWalletId)
        .Select(wallet => new Party(wallet.Id, wallet.AccountId, wallet.Currency, wallet.Id == recipientWalletId
            ? db.Accounts.Where(account => account.Id == wallet.AccountId).Select(account => account.Username).FirstOrDefault()
            : null))
        .AsAsyncEnumerable();

    /// <summary>
    /// Pays <paramref name="amount"/> minor units of the payer wallet's currency to another wallet, converting at the
    /// current price when the recipient holds the other currency. <paramref name="sendingCurrency"/> is the currency
    /// the mutation sends (BTC for <c>intraLedgerPaymentSend</c>, USD for <c>intraLedgerUsdPaymentSend</c>).
    /// </summary>
    public async Task<PaymentOutcome> PayAsync(
        Guid payerAccountId, Guid walletId, Guid recipientWalletId, long amount, Currency sendingCurrency, string? memo, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        var payer = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(account => account.Id == payerAccountId, cancellationToken);
        return await PayAsync(payerAccountId, payer?.Username, payer?.Status == "active", walletId, recipientWalletId, amount, sendingCurrency,
            memo, idempotencyKey, lnurl: null, cancellationToken);
    }

    /// <summary>
    /// As <see cref="PayAsync(Guid, Guid, Guid, long, Currency, string?, string?, CancellationToken)"/>, for a payer
    /// whose account the caller has already read and found active (the API's access rule does, once per request).
    /// </summary>
    public Task<PaymentOutcome> PayAsync(
        WalletAccount payer, Guid walletId, Guid recipientWalletId, long amount, Currency sendingCurrency, string? memo, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payer);
        ownership.RememberAccountOfUser(payer.UserId, payer.Id);
        return PayAsync(payer.Id, payer.Username, payerActive: true, walletId, recipientWalletId, amount, sendingCurrency, memo, idempotencyKey,
            lnurl: null, cancellationToken);
    }

    /// <summary>
    /// The payment of the user <paramref name="userId"/> in its one write, when this node already knows the user's
    /// account and both wallets (<see cref="WalletOwnership"/>): the account's status and both usernames are checked
    /// and read by the write itself (<see cref="PayerCheck"/>), so there is no read before it. Null when it cannot
    /// decide that way: something is not known yet, or anything refused the payment (nothing was written then). The
    /// caller then reads the account and pays through <see cref="PayAsync(WalletAccount, Guid, Guid, long, Currency, string?, string?, CancellationToken)"/>,
    /// which gives each refusal in its usual order, and teaches this node what it did not know.
    /// </summary>
    public async Task<PaymentOutcome?> TryPayInOneWriteAsync(
        Guid userId, Guid walletId, Guid recipientWalletId, long amount, Currency sendingCurrency, string? memo, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        if (ownership.FindAccountOfUser(userId) is not { } payerAccountId ||
            ownership.FindWallet(walletId) is not { } payerWallet || ownership.FindWallet(recipientWalletId) is not { } receiverWallet ||
            payerWallet.AccountId != payerAccountId || CurrencyCodes.Parse(payerWallet.Currency) != sendingCurrency)
        {
            return null;
        }

        var payer = new Party(walletId, payerWallet.AccountId, payerWallet.Currency, null);
        var receiver = new Party(recipientWalletId, receiverWallet.AccountId, receiverWallet.Currency, null);
        var quote = await prices.GetPriceAsync(cancellationToken);
        var header = new EntryHeader(Guid.NewGuid(), time.GetUtcNow(), idempotencyKey, memo);
        var built = Movements.Payment(header, Account(payer), Account(receiver), new Money(amount, sendingCurrency), quote.Price);
        if (!built.IsSuccess)
        {
            return null;
        }

        // The usernames are left to the write, which adds them as the accounts hold them then.
        var details = new EntryDetails
        {
            PayerWalletId = walletId,
            ReceiverWalletId = recipientWalletId,
            CentsPerBitcoin = quote.Price.CentsPerBitcoin,
        };
        var appended = await writer.AppendAsync(Append(built.Value, payerAccountId, details, payer, receiver),
            new PayerCheck(userId, receiver.AccountId), cancellationToken);
        return appended.Status is AppendStatus.Appended or AppendStatus.Replayed
            ? new PaymentOutcome(PaymentStatus.Success, null, appended.EntryId)
            : null;
    }

    /// <summary>
    /// Pays <paramref name="sats"/> from a BTC wallet to the default wallet behind a Lightning address or LNURL of this
    /// server: an internal payment like any other, with <paramref name="lnurl"/> (what the payer sent to) kept with the entry.
    /// </summary>
    public Task<PaymentOutcome> PayLnurlAsync(
        WalletAccount payer, Guid walletId, Guid recipientWalletId, long sats, string lnurl, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payer);
        return PayAsync(payer.Id, payer.Username, payerActive: true, walletId, recipientWalletId, sats, Currency.Btc, memo: null, idempotencyKey,
            lnurl, cancellationToken);
    }

    private async Task<PaymentOutcome> PayAsync(
        Guid payerAccountId, string? payerUsername, bool payerActive, Guid walletId, Guid recipientWalletId, long amount, Currency sendingCurrency,
        string? memo, string? idempotencyKey, string? lnurl, CancellationToken cancellationToken)
    {
        var outcome = await PayOnceAsync(payerAccountId, payerUsername, payerActive, walletId, recipientWalletId, amount, sendingCurrency, memo,
            idempotencyKey, lnurl, cancellationToken);
        WalletTelemetry.CountPayment("intraledger", outcome.Error?.Code, sendingCurrency);
        return outcome;
    }

    private async Task<PaymentOutcome> PayOnceAsync(
        Guid payerAccountId, string? payerUsername, bool payerActive, Guid walletId, Guid recipientWalletId, long amount, Currency sendingCurrency,
        string? memo, string? idempotencyKey, string? lnurl, CancellationToken cancellationToken)
    {
        Party? payer = null;
        Party? receiver = null;
        await foreach (var party in Parties(walletId, recipientWalletId).WithCancellation(cancellationToken))
        {
            if (party.WalletId == walletId)
            {
                payer = party;
            }

            if (party.WalletId == recipientWalletId)
            {
                receiver = party;
            }
        }

        Remember(payer);
        Remember(receiver);
        if (payer is null || payer.AccountId != payerAccountId)
        {
            return PaymentOutcome.Failed(PaymentError.InvalidWallet);
        }

        if (CurrencyCodes.Parse(payer.Currency) != sendingCurrency)
        {
            return PaymentOutcome.Failed(PaymentError.WrongWalletCurrency);
        }

        if (receiver is null)
        {
            return PaymentOutcome.Failed(PaymentError.RecipientNotFound);
        }

        if (!payerActive)
        {
            return PaymentOutcome.Failed(PaymentError.AccountInactive);
        }

        var quote = await prices.GetPriceAsync(cancellationToken);
        var header = new EntryHeader(Guid.NewGuid(), time.GetUtcNow(), idempotencyKey, memo);
        var built = Movements.Payment(header, Account(payer), Account(receiver), new Money(amount, sendingCurrency), quote.Price);
        if (!built.IsSuccess)
        {
            return PaymentOutcome.Failed(Map(built.Failure));
        }

        var details = new EntryDetails
        {
            PayerWalletId = payer.WalletId,
            PayerUsername = payerUsername,
            ReceiverWalletId = receiver.WalletId,
            ReceiverUsername = receiver.Username,
            CentsPerBitcoin = quote.Price.CentsPerBitcoin,
            Lnurl = lnurl,
        };
        return Outcome(await ledger.AppendAsync(Append(built.Value, payerAccountId, details, payer, receiver), cancellationToken));
    }

    private static LedgerAppend Append(JournalEntry entry, Guid payerAccountId, EntryDetails details, Party payer, Party receiver) => new(entry)
    {
        Initiator = payerAccountId,
        Details = details.Serialize(),
        Notifications =
        [
            new WalletEvent(WalletEvent.PaymentSent, payer.AccountId, payer.WalletId, EntryId: entry.Id).Serialize(),
            new WalletEvent(WalletEvent.PaymentReceived, receiver.AccountId, receiver.WalletId, EntryId: entry.Id).Serialize(),
        ],
    };

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
        return Outcome(await ledger.AppendAsync(new LedgerAppend(built.Value) { Details = details.Serialize() }, cancellationToken));
    }

    private void Remember(Party? party)
    {
        if (party is not null)
        {
            ownership.RememberWallet(party.WalletId, new WalletOwner(party.AccountId, party.Currency));
        }
    }

    private static LedgerAccount Account(Party party) => LedgerAccount.Wallet(party.WalletId, CurrencyCodes.Parse(party.Currency));

    private static PaymentOutcome Outcome(LedgerResult<AppendOutcome> appended) => appended.IsSuccess
        ? new PaymentOutcome(PaymentStatus.Success, null, appended.Value.Entry.Id)
        : PaymentOutcome.Failed(appended.Failure is InsufficientBalance ? PaymentError.InsufficientBalance : PaymentError.InvalidWallet);

    internal static PaymentError Map(LedgerFailure failure) => failure switch
    {
        SelfPayment => PaymentError.SelfPayment,
        InvalidAmount { Reason: InvalidAmountReason.TooLarge } => PaymentError.AmountTooLarge,
        InvalidAmount { Reason: InvalidAmountReason.RoundsToZero } => PaymentError.AmountRoundsToZero,
        InvalidAmount => PaymentError.AmountNotPositive,
        _ => PaymentError.InvalidWallet,
    };
}
