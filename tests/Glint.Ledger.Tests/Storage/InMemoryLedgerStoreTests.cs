using Glint.Ledger.Storage;

namespace Glint.Ledger.Tests.Storage;

/// <summary>The promises of <see cref="ILedgerStore"/>, shown on the in-memory store: idempotency first, then paging.</summary>
public sealed class InMemoryLedgerStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<AppendOutcome> AppendAsync(InMemoryLedgerStore store, JournalEntry entry)
    {
        var result = await store.AppendAsync(entry, Ct);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    [Fact]
    public async Task Append_SameIdempotencyKeyTwice_KeepsOneEntryAndReturnsTheFirst()
    {
        var store = new InMemoryLedgerStore();
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();
        await AppendAsync(store, Sample.Credit(alice, 1_000));
        var first = Sample.Pay(alice, bob, 100, Sample.Header("pay-1"));
        var retry = Sample.Pay(alice, bob, 300, Sample.Header("pay-1"));

        var firstOutcome = await AppendAsync(store, first);
        var retryOutcome = await AppendAsync(store, retry);

        Assert.False(firstOutcome.Replayed);
        Assert.True(retryOutcome.Replayed);
        Assert.Same(first, retryOutcome.Entry);
        Assert.Equal(2, store.Entries.Count);
        Assert.Equal(Money.Sats(900), await store.GetBalanceAsync(alice, Ct));
        Assert.Equal(Money.Sats(100), await store.GetBalanceAsync(bob, Ct));
    }

    [Fact]
    public async Task Append_RetryAfterTheWalletWasEmptied_StillReplaysTheFirstResult()
    {
        var store = new InMemoryLedgerStore();
        var alice = Sample.UsdWallet();
        await AppendAsync(store, Sample.Credit(alice, 100));
        var payment = Sample.Pay(alice, Sample.UsdWallet(), 100, Sample.Header("pay-all"));
        await AppendAsync(store, payment);

        var retry = await AppendAsync(store, payment);

        Assert.True(retry.Replayed);
        Assert.Equal(payment.Id, retry.Entry.Id);
        Assert.Equal(Money.Cents(0), await store.GetBalanceAsync(alice, Ct));
    }

    [Fact]
    public async Task Append_RefusedEntry_DoesNotUseUpItsKey()
    {
        var store = new InMemoryLedgerStore();
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();

        var refused = await store.AppendAsync(Sample.Pay(alice, bob, 500, Sample.Header("pay-2")), Ct);
        await AppendAsync(store, Sample.Credit(alice, 1_000));
        var accepted = await AppendAsync(store, Sample.Pay(alice, bob, 500, Sample.Header("pay-2")));

        Assert.IsType<InsufficientBalance>(refused.Failure);
        Assert.False(accepted.Replayed);
        Assert.Equal(Money.Sats(500), await store.GetBalanceAsync(bob, Ct));
    }

    [Fact]
    public async Task Append_DifferentKeys_AreDifferentPayments()
    {
        var store = new InMemoryLedgerStore();
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();
        await AppendAsync(store, Sample.Credit(alice, 1_000));

        await AppendAsync(store, Sample.Pay(alice, bob, 100, Sample.Header("a")));
        await AppendAsync(store, Sample.Pay(alice, bob, 100, Sample.Header("b")));
        await AppendAsync(store, Sample.Pay(alice, bob, 100));

        Assert.Equal(Money.Sats(300), await store.GetBalanceAsync(bob, Ct));
    }

    [Fact]
    public async Task Append_ConcurrentRetriesWithOneKey_PayOnce()
    {
        var store = new InMemoryLedgerStore();
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();
        await AppendAsync(store, Sample.Credit(alice, 1_000));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            Task.Run(() => AppendAsync(store, Sample.Pay(alice, bob, 10, Sample.Header("burst"))), Ct)));

        Assert.Single(outcomes, outcome => !outcome.Replayed);
        Assert.Single(outcomes.Select(outcome => outcome.Entry.Id).Distinct());
        Assert.Equal(Money.Sats(990), await store.GetBalanceAsync(alice, Ct));
        Assert.True(LedgerInvariants.Verify(store.Entries, store.RecordedBalances).IsValid);
    }

    [Fact]
    public async Task Append_InvalidRestoredEntry_IsRefused()
    {
        var store = new InMemoryLedgerStore();
        var forged = JournalEntry.Restore(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(LedgerAccount.Funding(Currency.Btc), Money.Sats(-1)), new Posting(Sample.BtcWallet(), Money.Sats(1_000))]);

        var result = await store.AppendAsync(forged, Ct);

        Assert.IsType<UnbalancedEntry>(result.Failure);
        Assert.Empty(store.Entries);
    }

    [Fact]
    public async Task Append_SameEntryIdTwiceWithoutKey_Throws()
    {
        var store = new InMemoryLedgerStore();
        var credit = Sample.Credit(Sample.BtcWallet(), 1);
        await AppendAsync(store, credit);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync(credit, Ct));
    }

    [Fact]
    public async Task ListEntries_250Entries_PagesThroughAllOfThemNewestFirst()
    {
        var store = new InMemoryLedgerStore();
        var wallet = Sample.BtcWallet();
        var other = Sample.BtcWallet();
        var appended = new List<JournalEntry>();
        for (var i = 0; i < 250; i++)
        {
            // Pairs share a timestamp, so the id must break the tie.
            var entry = Sample.Credit(wallet, i + 1, Sample.Header(at: Sample.Start.AddSeconds(i / 2)));
            appended.Add((await AppendAsync(store, entry)).Entry);
            await AppendAsync(store, Sample.Credit(other, 1));
        }

        var pages = new List<EntryPage>();
        EntryCursor? cursor = null;
        do
        {
            var page = await store.ListEntriesAsync([wallet], new EntryPageRequest(EntryPageRequest.MaxLimit, cursor), Ct);
            pages.Add(page);
            cursor = page.Entries.Count > 0 ? EntryCursor.For(page.Entries[^1]) : null;
        }
        while (pages[^1].HasMore);

        Assert.Equal([100, 100, 50], pages.Select(page => page.Entries.Count));
        Assert.Equal([true, true, false], pages.Select(page => page.HasMore));
        var read = pages.SelectMany(page => page.Entries).ToList();
        Assert.Equal(250, read.Select(entry => entry.Id).Distinct().Count());
        Assert.All(read, entry => Assert.NotNull(entry.PostingFor(wallet)));
        Assert.Equal(
            appended.OrderByDescending(entry => entry.Timestamp).ThenByDescending(entry => entry.Id).Select(entry => entry.Id),
            read.Select(entry => entry.Id));
    }

    [Fact]
    public async Task ListEntries_NewerDirection_ReadsBackTowardsTheNewestEnd()
    {
        var store = new InMemoryLedgerStore();
        var wallet = Sample.UsdWallet();
        for (var i = 0; i < 7; i++)
        {
            await AppendAsync(store, Sample.Credit(wallet, i + 1, Sample.Header(at: Sample.Start.AddMinutes(i))));
        }

        var oldest = await store.ListEntriesAsync([wallet], new EntryPageRequest(3, direction: PageDirection.Newer), Ct);
        var next = await store.ListEntriesAsync([wallet], new EntryPageRequest(3, EntryCursor.For(oldest.Entries[0]), PageDirection.Newer), Ct);
        var last = await store.ListEntriesAsync([wallet], new EntryPageRequest(3, EntryCursor.For(next.Entries[0]), PageDirection.Newer), Ct);

        long Amount(JournalEntry entry) => entry.PostingFor(wallet)!.Amount.MinorUnits;
        Assert.Equal([3L, 2, 1], oldest.Entries.Select(Amount));
        Assert.Equal([6L, 5, 4], next.Entries.Select(Amount));
        Assert.Equal([7L], last.Entries.Select(Amount));
        Assert.True(oldest.HasMore);
        Assert.True(next.HasMore);
        Assert.False(last.HasMore);
    }

    [Fact]
    public async Task ListEntries_SeveralWallets_MergesTheirEntries()
    {
        var store = new InMemoryLedgerStore();
        var btc = Sample.BtcWallet();
        var usd = Sample.UsdWallet();
        await AppendAsync(store, Sample.Credit(btc, 100_000, Sample.Header(at: Sample.Start)));
        await AppendAsync(store, Sample.Credit(usd, 100, Sample.Header(at: Sample.Start.AddMinutes(1))));
        await AppendAsync(store, Sample.Pay(btc, usd, 50_000, Sample.Header(at: Sample.Start.AddMinutes(2))));
        await AppendAsync(store, Sample.Credit(Sample.BtcWallet(), 1, Sample.Header(at: Sample.Start.AddMinutes(3))));

        var page = await store.ListEntriesAsync([btc, usd], new EntryPageRequest(10), Ct);

        Assert.Equal([JournalEntryKind.Conversion, JournalEntryKind.Credit, JournalEntryKind.Credit], page.Entries.Select(entry => entry.Kind));
        Assert.False(page.HasMore);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(EntryPageRequest.MaxLimit + 1)]
    public void PageRequest_LimitOutOfRange_Throws(int limit)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EntryPageRequest(limit));
    }
}
