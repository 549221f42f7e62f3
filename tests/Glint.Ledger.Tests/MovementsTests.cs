namespace Glint.Ledger.Tests;

/// <summary>Credits and same-currency payments; cross-currency payments are in <see cref="CrossCurrencyPaymentTests"/>.</summary>
public sealed class MovementsTests
{
    [Fact]
    public void Credit_MovesTheAmountFromTheFundingAccountOfTheWalletsCurrency()
    {
        var wallet = Sample.UsdWallet();

        var entry = Movements.Credit(Sample.Header(), wallet, Money.Cents(2_500)).Value;

        Assert.Equal(JournalEntryKind.Credit, entry.Kind);
        Assert.Equal(Money.Cents(2_500), entry.PostingFor(wallet)!.Amount);
        Assert.Equal(Money.Cents(-2_500), entry.PostingFor(LedgerAccount.Funding(Currency.Usd))!.Amount);
        Assert.Equal(2, entry.Postings.Length);
    }

    [Theory]
    [InlineData(0, InvalidAmountReason.Zero)]
    [InlineData(-1, InvalidAmountReason.Negative)]
    [InlineData(AmountLimits.MaxMinorUnits + 1, InvalidAmountReason.TooLarge)]
    [InlineData(long.MaxValue, InvalidAmountReason.TooLarge)]
    [InlineData(long.MinValue, InvalidAmountReason.Negative)]
    public void Credit_InvalidAmount_FailsWithTheReason(long sats, InvalidAmountReason reason)
    {
        var result = Movements.Credit(Sample.Header(), Sample.BtcWallet(), Money.Sats(sats));

        var failure = Assert.IsType<InvalidAmount>(result.Failure);
        Assert.Equal(reason, failure.Reason);
        Assert.Equal(Money.Sats(sats), failure.Amount);
    }

    [Fact]
    public void Credit_AtTheLimit_Succeeds()
    {
        Assert.True(Movements.Credit(Sample.Header(), Sample.BtcWallet(), Money.Sats(AmountLimits.MaxMinorUnits)).IsSuccess);
    }

    [Fact]
    public void Credit_AmountInAnotherCurrency_FailsWithCurrencyMismatch()
    {
        var wallet = Sample.BtcWallet();

        var failure = Assert.IsType<CurrencyMismatch>(Movements.Credit(Sample.Header(), wallet, Money.Cents(100)).Failure);

        Assert.Equal(wallet, failure.Account);
        Assert.Equal(Currency.Btc, failure.Expected);
        Assert.Equal(Currency.Usd, failure.Actual);
    }

    [Fact]
    public void Credit_ToAnOperatorAccount_FailsWithNotAWallet()
    {
        var result = Movements.Credit(Sample.Header(), LedgerAccount.Conversion(Currency.Btc), Money.Sats(1));

        Assert.IsType<NotAWallet>(result.Failure);
    }

    [Fact]
    public void IntraLedgerPayment_DebitsThePayerAndCreditsTheReceiverTheSameAmount()
    {
        var payer = Sample.BtcWallet();
        var receiver = Sample.BtcWallet();

        var entry = Movements.IntraLedgerPayment(Sample.Header(), payer, receiver, Money.Sats(1_234)).Value;

        Assert.Equal(JournalEntryKind.IntraLedgerPayment, entry.Kind);
        Assert.Equal(Money.Sats(-1_234), entry.PostingFor(payer)!.Amount);
        Assert.Equal(Money.Sats(1_234), entry.PostingFor(receiver)!.Amount);
        Assert.Equal(2, entry.Postings.Length);
    }

    [Fact]
    public void IntraLedgerPayment_ToItself_FailsWithSelfPayment()
    {
        var wallet = Sample.UsdWallet();

        var result = Movements.IntraLedgerPayment(Sample.Header(), wallet, wallet, Money.Cents(1));

        Assert.Equal(wallet, Assert.IsType<SelfPayment>(result.Failure).Wallet);
    }

    [Fact]
    public void IntraLedgerPayment_BetweenCurrencies_FailsWithCurrencyMismatch()
    {
        var receiver = Sample.UsdWallet();

        var result = Movements.IntraLedgerPayment(Sample.Header(), Sample.BtcWallet(), receiver, Money.Sats(1));

        var failure = Assert.IsType<CurrencyMismatch>(result.Failure);
        Assert.Equal(receiver, failure.Account);
        Assert.Equal(Currency.Btc, failure.Expected);
    }

    [Fact]
    public void IntraLedgerPayment_AmountNotInThePayersCurrency_FailsWithCurrencyMismatch()
    {
        var payer = Sample.BtcWallet();

        var result = Movements.IntraLedgerPayment(Sample.Header(), payer, Sample.BtcWallet(), Money.Cents(1));

        Assert.Equal(payer, Assert.IsType<CurrencyMismatch>(result.Failure).Account);
    }

    [Theory]
    [InlineData(0, InvalidAmountReason.Zero)]
    [InlineData(-5, InvalidAmountReason.Negative)]
    [InlineData(AmountLimits.MaxMinorUnits + 1, InvalidAmountReason.TooLarge)]
    public void IntraLedgerPayment_InvalidAmount_FailsWithTheReason(long cents, InvalidAmountReason reason)
    {
        var result = Movements.IntraLedgerPayment(Sample.Header(), Sample.UsdWallet(), Sample.UsdWallet(), Money.Cents(cents));

        Assert.Equal(reason, Assert.IsType<InvalidAmount>(result.Failure).Reason);
    }

    [Fact]
    public void IntraLedgerPayment_FromOrToAnOperatorAccount_FailsWithNotAWallet()
    {
        var funding = LedgerAccount.Funding(Currency.Btc);

        Assert.IsType<NotAWallet>(Movements.IntraLedgerPayment(Sample.Header(), funding, Sample.BtcWallet(), Money.Sats(1)).Failure);
        Assert.IsType<NotAWallet>(Movements.IntraLedgerPayment(Sample.Header(), Sample.BtcWallet(), funding, Money.Sats(1)).Failure);
    }

    [Fact]
    public void Payment_PicksIntraLedgerOrConversionByTheReceiversCurrency()
    {
        var payer = Sample.BtcWallet();

        var same = Movements.Payment(Sample.Header(), payer, Sample.BtcWallet(), Money.Sats(100), Sample.Price).Value;
        var cross = Movements.Payment(Sample.Header(), payer, Sample.UsdWallet(), Money.Sats(100), Sample.Price).Value;

        Assert.Equal(JournalEntryKind.IntraLedgerPayment, same.Kind);
        Assert.Equal(JournalEntryKind.Conversion, cross.Kind);
    }
}
