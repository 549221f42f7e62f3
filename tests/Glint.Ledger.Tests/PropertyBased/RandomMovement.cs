using System.Numerics;

namespace Glint.Ledger.Tests.PropertyBased;

/// <summary>
/// A credit or a payment drawn at random, often invalid on purpose (zero, negative or oversized amounts, the wrong
/// currency, a self-payment, an operator account, a price that makes the result round to nothing or overflow).
/// <see cref="ExpectedRefusal"/> and <see cref="ExpectedReceived"/> are an oracle written without the ledger's code,
/// with <see cref="BigInteger"/> arithmetic, to judge what the builders did.
/// </summary>
internal sealed record RandomMovement(bool IsCredit, LedgerAccount Payer, LedgerAccount Receiver, Money Amount, BtcUsdPrice Price, EntryHeader Header)
{
    private static readonly LedgerAccount[] OperatorAccounts =
    [
        LedgerAccount.Funding(Currency.Btc), LedgerAccount.Funding(Currency.Usd),
        LedgerAccount.Conversion(Currency.Btc), LedgerAccount.Conversion(Currency.Usd),
    ];

    public static RandomMovement Draw(Random random, IReadOnlyList<LedgerAccount> wallets, EntryHeader header)
    {
        var isCredit = random.Next(4) == 0;
        var payer = random.Next(100) < 3 ? Pick(random, OperatorAccounts) : Pick(random, wallets);
        var receiverRoll = random.Next(100);
        var receiver = receiverRoll < 5 ? Pick(random, OperatorAccounts) : receiverRoll < 13 ? payer : Pick(random, wallets);
        if (isCredit)
        {
            payer = LedgerAccount.Funding(receiver.Currency);
        }

        var currency = random.Next(100) < 5 ? Other(payer.Currency) : payer.Currency;
        var amount = new Money(DrawAmount(random, isCredit), currency);
        return new RandomMovement(isCredit, payer, receiver, amount, DrawPrice(random), header);
    }

    public LedgerResult<JournalEntry> Build() =>
        IsCredit ? Movements.Credit(Header, Receiver, Amount) : Movements.Payment(Header, Payer, Receiver, Amount, Price);

    public bool IsCrossCurrency => Payer.Currency != Receiver.Currency;

    /// <summary>What the receiver should get: the amount, or for a conversion the exact value rounded down.</summary>
    public BigInteger ExpectedReceived()
    {
        if (IsCredit || !IsCrossCurrency)
        {
            return Amount.MinorUnits;
        }

        var sats = new BigInteger(BtcUsdPrice.SatsPerBitcoin);
        return Amount.Currency == Currency.Btc
            ? BigInteger.Divide(Amount.MinorUnits * new BigInteger(Price.CentsPerBitcoin), sats)
            : BigInteger.Divide(Amount.MinorUnits * sats, new BigInteger(Price.CentsPerBitcoin));
    }

    /// <summary>The failure the builders must return, or null when the movement is valid (affordability aside).</summary>
    public (Type Failure, InvalidAmountReason? Reason)? ExpectedRefusal()
    {
        if (!Receiver.IsWallet || (!IsCredit && !Payer.IsWallet))
        {
            return (typeof(NotAWallet), null);
        }

        if (!IsCredit && Payer.Id == Receiver.Id)
        {
            return (typeof(SelfPayment), null);
        }

        var expectedCurrency = IsCredit ? Receiver.Currency : Payer.Currency;
        if (Amount.Currency != expectedCurrency)
        {
            return (typeof(CurrencyMismatch), null);
        }

        var units = Amount.MinorUnits;
        InvalidAmountReason? reason = units == 0 ? InvalidAmountReason.Zero
            : units < 0 ? InvalidAmountReason.Negative
            : units > AmountLimits.MaxMinorUnits ? InvalidAmountReason.TooLarge
            : ExpectedReceived() > AmountLimits.MaxMinorUnits ? InvalidAmountReason.TooLarge
            : ExpectedReceived() == 0 ? InvalidAmountReason.RoundsToZero
            : null;
        return reason is null ? null : (typeof(InvalidAmount), reason);
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static Currency Other(Currency currency) => currency == Currency.Btc ? Currency.Usd : Currency.Btc;

    private static long DrawAmount(Random random, bool isCredit) => random.Next(100) switch
    {
        < 3 => 0,
        < 6 => -random.NextInt64(1, 1_000),
        < 8 => AmountLimits.MaxMinorUnits + random.NextInt64(1, 1_000),
        < 9 => random.Next(2) == 0 ? long.MaxValue : long.MinValue,
        < 20 => random.NextInt64(1, 20), // where conversions round to nothing
        _ => random.NextInt64(1, isCredit ? 1_000_000 : 200_000),
    };

    private static BtcUsdPrice DrawPrice(Random random) => random.Next(100) switch
    {
        < 3 => new BtcUsdPrice(random.NextInt64(1, 100)), // a few cents per bitcoin: conversions to sats explode
        < 5 => new BtcUsdPrice(random.NextInt64(1L << 50, long.MaxValue)), // absurdly high: conversions to sats vanish
        _ => new BtcUsdPrice(random.NextInt64(100_000, 20_000_000)), // $1,000 to $200,000
    };
}
