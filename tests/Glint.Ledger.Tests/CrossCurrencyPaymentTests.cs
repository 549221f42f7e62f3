namespace Glint.Ledger.Tests;

/// <summary>
/// Payments across currencies, with concrete numbers at $65,432.10 per BTC (6,543,210 cents per 10^8 sats):
/// the payer pays exactly what it sends, the receiver gets the value rounded down, and the conversion accounts keep the
/// fraction so each currency still sums to zero.
/// </summary>
public sealed class CrossCurrencyPaymentTests
{
    private static readonly LedgerAccount BtcConversion = LedgerAccount.Conversion(Currency.Btc);
    private static readonly LedgerAccount UsdConversion = LedgerAccount.Conversion(Currency.Usd);

    [Fact]
    public void BtcToUsd_ReceiverGetsTheCentsRoundedDown_ConversionKeepsTheFraction()
    {
        var payer = Sample.BtcWallet();
        var receiver = Sample.UsdWallet();

        // 100,000 sats × 6,543,210 / 10^8 = 6,543.21 cents: the receiver gets 6,543, the operator keeps 0.21 cent.
        var entry = Movements.CrossCurrencyPayment(Sample.Header(), payer, receiver, Money.Sats(100_000), Sample.Price).Value;

        Assert.Equal(JournalEntryKind.Conversion, entry.Kind);
        Assert.Equal(Money.Sats(-100_000), entry.PostingFor(payer)!.Amount);
        Assert.Equal(Money.Sats(100_000), entry.PostingFor(BtcConversion)!.Amount);
        Assert.Equal(Money.Cents(-6_543), entry.PostingFor(UsdConversion)!.Amount);
        Assert.Equal(Money.Cents(6_543), entry.PostingFor(receiver)!.Amount);
        Assert.Equal(4, entry.Postings.Length);
    }

    [Fact]
    public void UsdToBtc_ReceiverGetsTheSatsRoundedDown_ConversionKeepsTheFraction()
    {
        var payer = Sample.UsdWallet();
        var receiver = Sample.BtcWallet();

        // 1,000 cents × 10^8 / 6,543,210 = 15,283.018… sats: the receiver gets 15,283.
        var entry = Movements.CrossCurrencyPayment(Sample.Header(), payer, receiver, Money.Cents(1_000), Sample.Price).Value;

        Assert.Equal(Money.Cents(-1_000), entry.PostingFor(payer)!.Amount);
        Assert.Equal(Money.Cents(1_000), entry.PostingFor(UsdConversion)!.Amount);
        Assert.Equal(Money.Sats(-15_283), entry.PostingFor(BtcConversion)!.Amount);
        Assert.Equal(Money.Sats(15_283), entry.PostingFor(receiver)!.Amount);
    }

    [Fact]
    public void Conversion_EachCurrencySumsToZero_AndTheOperatorNeverLosesValue()
    {
        var btcWallet = Sample.BtcWallet();
        var usdWallet = Sample.UsdWallet();
        var balances = Sample.Applied(Sample.Credit(btcWallet, 1_000_000), Sample.Credit(usdWallet, 100_000));

        balances = balances.Apply(Sample.Pay(btcWallet, usdWallet, 100_000)).Value; // +6,543 cents
        balances = balances.Apply(Sample.Pay(usdWallet, btcWallet, 1_000)).Value; // +15,283 sats

        Assert.Equal(0, balances.Total(Currency.Btc));
        Assert.Equal(0, balances.Total(Currency.Usd));
        Assert.Equal(Money.Sats(1_000_000 - 100_000 + 15_283), balances.BalanceOf(btcWallet));
        Assert.Equal(Money.Cents(100_000 + 6_543 - 1_000), balances.BalanceOf(usdWallet));

        // The conversion accounts took 100,000 sats and 1,000 cents in, paid 15,283 sats and 6,543 cents out.
        var btcHeld = balances.BalanceOf(BtcConversion);
        var usdHeld = balances.BalanceOf(UsdConversion);
        Assert.Equal(Money.Sats(100_000 - 15_283), btcHeld);
        Assert.Equal(Money.Cents(1_000 - 6_543), usdHeld);

        // Valued at the price, in cents × 10^8 to stay exact: what they hold is worth more than zero.
        var worth = (Int128)btcHeld.MinorUnits * Sample.Price.CentsPerBitcoin + (Int128)usdHeld.MinorUnits * BtcUsdPrice.SatsPerBitcoin;
        Assert.True(worth > 0, $"The conversion accounts are worth {worth} / 10^8 cents.");
    }

    [Fact]
    public void BtcToUsd_BelowOneCent_FailsWithRoundsToZero()
    {
        // 15 sats are worth 0.98 cent at this price; 16 sats are worth 1.05 cents.
        var tooSmall = Movements.CrossCurrencyPayment(Sample.Header(), Sample.BtcWallet(), Sample.UsdWallet(), Money.Sats(15), Sample.Price);
        var enough = Movements.CrossCurrencyPayment(Sample.Header(), Sample.BtcWallet(), Sample.UsdWallet(), Money.Sats(16), Sample.Price);

        var failure = Assert.IsType<InvalidAmount>(tooSmall.Failure);
        Assert.Equal(InvalidAmountReason.RoundsToZero, failure.Reason);
        Assert.Equal(Money.Sats(15), failure.Amount);
        Assert.Equal(Money.Cents(1), enough.Value.Postings[^1].Amount);
    }

    [Fact]
    public void UsdToBtc_ConvertedAboveTheLimit_FailsWithTooLarge()
    {
        var oneCentPerBitcoin = new BtcUsdPrice(1);

        // 21,000,001 cents buy 2,100,000,100,000,000 sats at one cent per bitcoin: more than all bitcoin.
        var result = Movements.CrossCurrencyPayment(Sample.Header(), Sample.UsdWallet(), Sample.BtcWallet(), Money.Cents(21_000_001), oneCentPerBitcoin);

        Assert.Equal(InvalidAmountReason.TooLarge, Assert.IsType<InvalidAmount>(result.Failure).Reason);
    }

    [Fact]
    public void CrossCurrencyPayment_SameCurrency_FailsWithCurrencyMismatch()
    {
        var receiver = Sample.BtcWallet();

        var result = Movements.CrossCurrencyPayment(Sample.Header(), Sample.BtcWallet(), receiver, Money.Sats(100), Sample.Price);

        var failure = Assert.IsType<CurrencyMismatch>(result.Failure);
        Assert.Equal(receiver, failure.Account);
        Assert.Equal(Currency.Usd, failure.Expected);
    }

    [Fact]
    public void CrossCurrencyPayment_ChecksAmountsAndWalletsLikeAnyPayment()
    {
        var payer = Sample.BtcWallet();

        Assert.IsType<InvalidAmount>(Movements.CrossCurrencyPayment(Sample.Header(), payer, Sample.UsdWallet(), Money.Sats(0), Sample.Price).Failure);
        Assert.IsType<CurrencyMismatch>(Movements.CrossCurrencyPayment(Sample.Header(), payer, Sample.UsdWallet(), Money.Cents(100), Sample.Price).Failure);
        Assert.IsType<NotAWallet>(Movements.CrossCurrencyPayment(Sample.Header(), payer, UsdConversion, Money.Sats(100), Sample.Price).Failure);
    }

    [Fact]
    public void CrossCurrencyPayment_PayerCannotAffordIt_IsRefusedWhenApplied()
    {
        var payer = Sample.UsdWallet();
        var balances = Sample.Applied(Sample.Credit(payer, 999));

        var result = balances.Apply(Sample.Pay(payer, Sample.BtcWallet(), 1_000));

        var failure = Assert.IsType<InsufficientBalance>(result.Failure);
        Assert.Equal(Money.Cents(999), failure.Balance);
        Assert.Equal(Money.Cents(1_000), failure.Debit);
    }

    [Fact]
    public void SettledConversion_MovesExactlyTheTwoAmounts_AndBalancesEachCurrency()
    {
        var payer = Sample.BtcWallet();
        var receiver = Sample.UsdWallet();

        var entry = Movements.SettledConversion(Sample.Header(), payer, Money.Sats(1_529), receiver, Money.Cents(100)).Value;

        Assert.Equal(Money.Sats(-1_529), entry.PostingFor(payer)!.Amount);
        Assert.Equal(Money.Sats(1_529), entry.PostingFor(BtcConversion)!.Amount);
        Assert.Equal(Money.Cents(-100), entry.PostingFor(UsdConversion)!.Amount);
        Assert.Equal(Money.Cents(100), entry.PostingFor(receiver)!.Amount);
    }

    [Fact]
    public void SettledConversion_RefusesSameCurrencyAndNonPositiveAmounts()
    {
        Assert.IsType<CurrencyMismatch>(Movements.SettledConversion(Sample.Header(), Sample.BtcWallet(), Money.Sats(1), Sample.BtcWallet(), Money.Sats(1)).Failure);
        Assert.IsType<InvalidAmount>(Movements.SettledConversion(Sample.Header(), Sample.BtcWallet(), Money.Sats(1), Sample.UsdWallet(), Money.Cents(0)).Failure);
    }
}
