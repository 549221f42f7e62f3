namespace Glint.Ledger.Tests;

public sealed class MoneyTests
{
    [Fact]
    public void Factories_UseSatsForBtcAndCentsForUsd()
    {
        Assert.Equal(new Money(5, Currency.Btc), Money.Sats(5));
        Assert.Equal(new Money(7, Currency.Usd), Money.Cents(7));
        Assert.Equal(new Money(0, Currency.Usd), Money.Zero(Currency.Usd));
        Assert.Equal("1500 sats", Money.Sats(1_500).ToString());
        Assert.Equal("-25 cents", Money.Cents(-25).ToString());
    }

    [Fact]
    public void Constructor_UnknownCurrency_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Money(1, (Currency)0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Money(1, (Currency)3));
    }

    [Fact]
    public void Arithmetic_SameCurrency_IsExact()
    {
        Assert.Equal(Money.Sats(300), Money.Sats(100) + Money.Sats(200));
        Assert.Equal(Money.Sats(-100), Money.Sats(100) - Money.Sats(200));
        Assert.Equal(Money.Cents(-42), -Money.Cents(42));
        Assert.Equal(Money.Cents(3), Money.Cents(1).Add(Money.Cents(2)));
        Assert.Equal(Money.Cents(-1), Money.Cents(1).Subtract(Money.Cents(2)));
        Assert.Equal(Money.Cents(-1), Money.Cents(1).Negate());
    }

    [Fact]
    public void Arithmetic_Overflow_ThrowsInsteadOfWrapping()
    {
        Assert.Throws<OverflowException>(() => Money.Sats(long.MaxValue) + Money.Sats(1));
        Assert.Throws<OverflowException>(() => Money.Sats(long.MinValue) - Money.Sats(1));
        Assert.Throws<OverflowException>(() => -Money.Cents(long.MinValue));
    }

    [Fact]
    public void Arithmetic_MixedCurrencies_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Money.Sats(1) + Money.Cents(1));
        Assert.Throws<InvalidOperationException>(() => Money.Sats(1) - Money.Cents(1));
    }

    [Fact]
    public void Signs_AreReported()
    {
        Assert.True(Money.Sats(0).IsZero);
        Assert.True(Money.Sats(1).IsPositive);
        Assert.True(Money.Sats(-1).IsNegative);
        Assert.False(Money.Sats(-1).IsPositive);
    }

    [Fact]
    public void Limit_IsTheBitcoinSupplyInSats()
    {
        Assert.Equal(2_100_000_000_000_000, AmountLimits.MaxMinorUnits);
    }
}
