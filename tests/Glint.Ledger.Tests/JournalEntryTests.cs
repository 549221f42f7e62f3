namespace Glint.Ledger.Tests;

public sealed class JournalEntryTests
{
    private static readonly LedgerAccount Funding = LedgerAccount.Funding(Currency.Btc);

    [Fact]
    public void Create_BalancedPostings_KeepsHeaderKindAndPostings()
    {
        var wallet = Sample.BtcWallet();
        var header = new EntryHeader(Guid.NewGuid(), Sample.Start, "key-1", "welcome");

        var entry = JournalEntry.Create(header, JournalEntryKind.Credit,
            [new Posting(Funding, Money.Sats(-500)), new Posting(wallet, Money.Sats(500))]).Value;

        Assert.Equal(header.Id, entry.Id);
        Assert.Equal(Sample.Start, entry.Timestamp);
        Assert.Equal("key-1", entry.IdempotencyKey);
        Assert.Equal("welcome", entry.Memo);
        Assert.Equal(JournalEntryKind.Credit, entry.Kind);
        Assert.Equal(2, entry.Postings.Length);
        Assert.Equal(Money.Sats(500), entry.PostingFor(wallet)!.Amount);
        Assert.Null(entry.PostingFor(Sample.BtcWallet()));
    }

    [Fact]
    public void Create_CopiesThePostings_SoLaterChangesToTheListDoNotReachTheEntry()
    {
        var wallet = Sample.BtcWallet();
        var postings = new List<Posting> { new(Funding, Money.Sats(-500)), new(wallet, Money.Sats(500)) };

        var entry = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit, postings).Value;
        postings[1] = new Posting(wallet, Money.Sats(1_000_000));
        postings.Clear();

        Assert.Equal(2, entry.Postings.Length);
        Assert.Equal(Money.Sats(500), entry.PostingFor(wallet)!.Amount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Create_FewerThanTwoPostings_FailsWithTooFewPostings(int count)
    {
        var postings = new[] { new Posting(Sample.BtcWallet(), Money.Sats(1)) }.Take(count);

        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit, postings);

        Assert.Equal(count, Assert.IsType<TooFewPostings>(result.Failure).Count);
    }

    [Fact]
    public void Create_PostingInAnotherCurrencyThanItsAccount_FailsWithCurrencyMismatch()
    {
        var usdWallet = Sample.UsdWallet();

        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(Funding, Money.Sats(-500)), new Posting(usdWallet, Money.Sats(500))]);

        var failure = Assert.IsType<CurrencyMismatch>(result.Failure);
        Assert.Equal(usdWallet, failure.Account);
        Assert.Equal(Currency.Usd, failure.Expected);
        Assert.Equal(Currency.Btc, failure.Actual);
    }

    [Fact]
    public void Create_DefaultMoney_FailsWithCurrencyMismatch()
    {
        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(Funding, Money.Sats(-1)), new Posting(Sample.BtcWallet(), default)]);

        Assert.IsType<CurrencyMismatch>(result.Failure);
    }

    [Fact]
    public void Create_ZeroPosting_FailsWithInvalidAmountZero()
    {
        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(Funding, Money.Sats(0)), new Posting(Sample.BtcWallet(), Money.Sats(0))]);

        Assert.Equal(InvalidAmountReason.Zero, Assert.IsType<InvalidAmount>(result.Failure).Reason);
    }

    [Fact]
    public void Create_PostingAboveTheLimit_FailsWithInvalidAmountTooLarge()
    {
        const long tooMuch = AmountLimits.MaxMinorUnits + 1;

        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(Funding, Money.Sats(-tooMuch)), new Posting(Sample.BtcWallet(), Money.Sats(tooMuch))]);

        Assert.Equal(InvalidAmountReason.TooLarge, Assert.IsType<InvalidAmount>(result.Failure).Reason);
    }

    [Fact]
    public void Create_PostingAtTheLimit_Succeeds()
    {
        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(Funding, Money.Sats(-AmountLimits.MaxMinorUnits)), new Posting(Sample.BtcWallet(), Money.Sats(AmountLimits.MaxMinorUnits))]);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public void Create_TwoPostingsToOneAccount_FailsWithDuplicateAccount()
    {
        var wallet = Sample.BtcWallet();

        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.IntraLedgerPayment,
            [new Posting(wallet, Money.Sats(-10)), new Posting(wallet, Money.Sats(10))]);

        Assert.Equal(wallet, Assert.IsType<DuplicateAccount>(result.Failure).Account);
    }

    [Fact]
    public void Create_PostingsNotSummingToZero_FailsWithUnbalancedEntry()
    {
        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(Funding, Money.Sats(-499)), new Posting(Sample.BtcWallet(), Money.Sats(500))]);

        var failure = Assert.IsType<UnbalancedEntry>(result.Failure);
        Assert.Equal(Currency.Btc, failure.Currency);
        Assert.Equal(1, failure.Sum);
    }

    [Fact]
    public void Create_EachCurrencyMustBalanceOnItsOwn()
    {
        // 100 sats out and 100 cents in: the same numbers, but money appears in USD and vanishes in BTC.
        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Conversion,
            [new Posting(Sample.BtcWallet(), Money.Sats(-100)), new Posting(Sample.UsdWallet(), Money.Cents(100))]);

        var failure = Assert.IsType<UnbalancedEntry>(result.Failure);
        Assert.Equal(Currency.Btc, failure.Currency);
        Assert.Equal(-100, failure.Sum);
    }

    [Fact]
    public void Create_BalancedInTwoCurrencies_Succeeds()
    {
        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Conversion,
        [
            new Posting(Sample.BtcWallet(), Money.Sats(-100)),
            new Posting(LedgerAccount.Conversion(Currency.Btc), Money.Sats(100)),
            new Posting(LedgerAccount.Conversion(Currency.Usd), Money.Cents(-6)),
            new Posting(Sample.UsdWallet(), Money.Cents(6)),
        ]);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public void Restore_KeepsAnInvalidEntry_SoVerifyCanReportIt()
    {
        var entry = JournalEntry.Restore(Sample.Header(), JournalEntryKind.Credit, [new Posting(Sample.BtcWallet(), Money.Sats(5))]);

        Assert.Single(entry.Postings);
    }

    [Fact]
    public void Restore_MissingPostingOrUnknownKind_Throws()
    {
        Assert.Throws<ArgumentException>(() => JournalEntry.Restore(Sample.Header(), JournalEntryKind.Credit, [null!]));
        Assert.Throws<ArgumentOutOfRangeException>(() => JournalEntry.Restore(Sample.Header(), (JournalEntryKind)42, []));
    }

    [Fact]
    public void Header_RejectsMissingIdTimeAndBlankOrLongKeys()
    {
        Assert.Throws<ArgumentException>(() => new EntryHeader(Guid.Empty, Sample.Start));
        Assert.Throws<ArgumentException>(() => new EntryHeader(Guid.NewGuid(), default));
        Assert.Throws<ArgumentException>(() => new EntryHeader(Guid.NewGuid(), Sample.Start, idempotencyKey: " "));
        Assert.Throws<ArgumentException>(() => new EntryHeader(Guid.NewGuid(), Sample.Start, idempotencyKey: new string('k', EntryHeader.MaxIdempotencyKeyLength + 1)));
        Assert.NotNull(new EntryHeader(Guid.NewGuid(), Sample.Start, idempotencyKey: new string('k', EntryHeader.MaxIdempotencyKeyLength)));
    }

    [Fact]
    public void Result_ReadingTheValueOfAFailure_Throws()
    {
        var result = JournalEntry.Create(Sample.Header(), JournalEntryKind.Credit, []);

        Assert.False(result.IsSuccess);
        Assert.Throws<InvalidOperationException>(() => result.Value);
    }
}
