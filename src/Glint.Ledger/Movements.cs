namespace Glint.Ledger;

/// <summary>
/// Builds the entries the wallet needs, each one balanced. They check what the movement needs (wallets, currencies,
/// a positive amount within <see cref="AmountLimits.MaxMinorUnits"/>, no self-payment) and return a
/// <see cref="LedgerFailure"/> otherwise. Whether the payer can afford it is decided later, against the balances, by
/// <see cref="Balances.Apply"/>.
/// </summary>
public static class Movements
{
    /// <summary>The operator funds <paramref name="wallet"/>: the funding account of its currency pays the amount.</summary>
    public static LedgerResult<JournalEntry> Credit(EntryHeader header, LedgerAccount wallet, Money amount)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        if ((RequireWallet(wallet) ?? RequireAmount(wallet, amount)) is { } failure)
        {
            return failure;
        }

        return JournalEntry.Create(header, JournalEntryKind.Credit,
        [
            new Posting(LedgerAccount.Funding(wallet.Currency), -amount),
            new Posting(wallet, amount),
        ]);
    }

    /// <summary>
    /// A payment between two wallets of the same currency. The amount is in the payer's currency, as in Blink's
    /// <c>intraLedgerPaymentSend</c> (sats) and <c>intraLedgerUsdPaymentSend</c> (cents).
    /// </summary>
    public static LedgerResult<JournalEntry> IntraLedgerPayment(EntryHeader header, LedgerAccount payer, LedgerAccount receiver, Money amount)
    {
        if (CheckPayment(payer, receiver, amount) is { } failure)
        {
            return failure;
        }

        if (receiver.Currency != payer.Currency)
        {
            return new CurrencyMismatch(receiver, payer.Currency, receiver.Currency);
        }

        return JournalEntry.Create(header, JournalEntryKind.IntraLedgerPayment,
        [
            new Posting(payer, -amount),
            new Posting(receiver, amount),
        ]);
    }

    /// <summary>
    /// A payment from a wallet in one currency to a wallet in the other, at <paramref name="price"/>.
    /// <para>
    /// Rounding never creates money. The payer is debited exactly <paramref name="amount"/> (call it S). The receiver is
    /// credited R = ⌊S × rate⌋, the exact value rounded down to a whole minor unit, in the ledger's favour (see
    /// <see cref="BtcUsdPrice.ConvertRoundingDown"/>). Four postings keep each currency at zero:
    /// payer −S and conversion(payer's currency) +S; conversion(receiver's currency) −R and receiver +R.
    /// Valued at this price, the two conversion accounts together gain S × rate − R, which lies in [0, 1) receiver
    /// units: the operator keeps the fraction of a cent or sat that could not be paid out, and never pays out more than
    /// it took in. Rounding up instead would hand out up to one unit per payment that nobody paid for.
    /// </para>
    /// Fails with <see cref="InvalidAmountReason.RoundsToZero"/> when R would be zero (for example 1 sat is far below a
    /// cent), since a payment that delivers nothing is certainly a mistake.
    /// </summary>
    public static LedgerResult<JournalEntry> CrossCurrencyPayment(
        EntryHeader header, LedgerAccount payer, LedgerAccount receiver, Money amount, BtcUsdPrice price)
    {
        if (CheckPayment(payer, receiver, amount) is { } failure)
        {
            return failure;
        }

        if (receiver.Currency == payer.Currency)
        {
            return new CurrencyMismatch(receiver, SupportedCurrency.Other(payer.Currency), receiver.Currency);
        }

        var conversion = price.ConvertRoundingDown(amount);
        if (!conversion.IsSuccess)
        {
            return conversion.Failure;
        }

        var received = conversion.Value;
        if (received.IsZero)
        {
            return new InvalidAmount(amount, InvalidAmountReason.RoundsToZero);
        }

        return JournalEntry.Create(header, JournalEntryKind.Conversion,
        [
            new Posting(payer, -amount),
            new Posting(LedgerAccount.Conversion(payer.Currency), amount),
            new Posting(LedgerAccount.Conversion(receiver.Currency), -received),
            new Posting(receiver, received),
        ]);
    }

    /// <summary>
    /// A payment across currencies whose two amounts were fixed beforehand, as when a Lightning invoice is paid: the
    /// payer gives exactly <paramref name="paid"/> and the receiver gets exactly <paramref name="received"/> (a USD
    /// invoice credits the cents it was created for; a USD wallet paying a sats invoice pays the cents that cover it,
    /// rounded up). The conversion accounts take the difference, as in <see cref="CrossCurrencyPayment"/>.
    /// </summary>
    public static LedgerResult<JournalEntry> SettledConversion(EntryHeader header, LedgerAccount payer, Money paid, LedgerAccount receiver, Money received)
    {
        if ((CheckPayment(payer, receiver, paid) ?? RequireAmount(receiver, received)) is { } failure)
        {
            return failure;
        }

        if (receiver.Currency == payer.Currency)
        {
            return new CurrencyMismatch(receiver, SupportedCurrency.Other(payer.Currency), receiver.Currency);
        }

        return JournalEntry.Create(header, JournalEntryKind.Conversion,
        [
            new Posting(payer, -paid),
            new Posting(LedgerAccount.Conversion(payer.Currency), paid),
            new Posting(LedgerAccount.Conversion(receiver.Currency), -received),
            new Posting(receiver, received),
        ]);
    }

    /// <summary>
    /// Any payment between two wallets: same currency as <see cref="IntraLedgerPayment"/>, otherwise as
    /// <see cref="CrossCurrencyPayment"/> at <paramref name="price"/>.
    /// </summary>
    public static LedgerResult<JournalEntry> Payment(
        EntryHeader header, LedgerAccount payer, LedgerAccount receiver, Money amount, BtcUsdPrice price)
    {
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(receiver);
        return payer.Currency == receiver.Currency
            ? IntraLedgerPayment(header, payer, receiver, amount)
            : CrossCurrencyPayment(header, payer, receiver, amount, price);
    }

    private static LedgerFailure? CheckPayment(LedgerAccount payer, LedgerAccount receiver, Money amount)
    {
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(receiver);
        return RequireWallet(payer)
            ?? RequireWallet(receiver)
            ?? (payer.Id == receiver.Id ? new SelfPayment(payer) : null)
            ?? RequireAmount(payer, amount);
    }

    private static NotAWallet? RequireWallet(LedgerAccount account) => account.IsWallet ? null : new NotAWallet(account);

    /// <summary>The amount is in the wallet's currency, positive and within the ledger's limit.</summary>
    private static LedgerFailure? RequireAmount(LedgerAccount wallet, Money amount)
    {
        if (amount.Currency != wallet.Currency)
        {
            return new CurrencyMismatch(wallet, wallet.Currency, amount.Currency);
        }

        if (amount.IsZero)
        {
            return new InvalidAmount(amount, InvalidAmountReason.Zero);
        }

        if (amount.IsNegative)
        {
            return new InvalidAmount(amount, InvalidAmountReason.Negative);
        }

        return amount.MinorUnits > AmountLimits.MaxMinorUnits ? new InvalidAmount(amount, InvalidAmountReason.TooLarge) : null;
    }
}
