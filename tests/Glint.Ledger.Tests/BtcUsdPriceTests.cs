namespace Glint.Ledger.Tests;

public sealed class BtcUsdPriceTests
{
    private static readonly BtcUsdPrice HundredThousandDollars = new(10_000_000); // 1 sat = 0.1 cent exactly

    [Theory]
    [InlineData(0, 0)]
    [InlineData(9, 0)]
    [InlineData(10, 1)]
    [InlineData(19, 1)]
    [InlineData(100_000_000, 10_000_000)]
    public void SatsToCents_RoundsDown(long sats, long cents)
    {
        Assert.Equal(Money.Cents(cents), HundredThousandDollars.ConvertRoundingDown(Money.Sats(sats)).Value);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(10_000_000, 100_000_000)]
    public void CentsToSats_IsExactWhenThePriceDivides(long cents, long sats)
    {
        Assert.Equal(Money.Sats(sats), HundredThousandDollars.ConvertRoundingDown(Money.Cents(cents)).Value);
    }

    [Fact]
    public void CentsToSats_RoundsDown()
    {
        // 1 cent × 10^8 / 6,543,210 = 15.28 sats.
        Assert.Equal(Money.Sats(15), Sample.Price.ConvertRoundingDown(Money.Cents(1)).Value);
    }

    [Fact]
    public void Convert_TheLargestAmountAtAnExtremePrice_DoesNotOverflow()
    {
        var extreme = new BtcUsdPrice(long.MaxValue);

        var result = extreme.ConvertRoundingDown(Money.Sats(AmountLimits.MaxMinorUnits));

        Assert.Equal(InvalidAmountReason.TooLarge, Assert.IsType<InvalidAmount>(result.Failure).Reason);
        Assert.Equal(Money.Sats(22_768), extreme.ConvertRoundingDown(Money.Cents(AmountLimits.MaxMinorUnits)).Value);
    }

    [Fact]
    public void Price_MustBePositive_AndSet()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BtcUsdPrice(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BtcUsdPrice(-1));
        Assert.Throws<InvalidOperationException>(() => default(BtcUsdPrice).ConvertRoundingDown(Money.Cents(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sample.Price.ConvertRoundingDown(Money.Cents(-1)));
    }

    [Fact]
    public void ToString_ShowsDollarsPerBitcoin()
    {
        Assert.Equal("65432.10 USD/BTC", Sample.Price.ToString());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    public void SatsToCents_RoundingUp_CoversTheAmount(long sats, long cents)
    {
        Assert.Equal(Money.Cents(cents), HundredThousandDollars.ConvertRoundingUp(Money.Sats(sats)).Value);
    }

    [Fact]
    public void CentsToSats_RoundingUp_CoversTheAmount()
    {
        // 1 cent × 10^8 / 6,543,210 = 15.28 sats: 16 cover it.
        Assert.Equal(Money.Sats(16), Sample.Price.ConvertRoundingUp(Money.Cents(1)).Value);
    }
}
