using Glint.Ledger;
using Glint.Ledger.Storage;
using Glint.Ledger.Tests;
using Glint.Ledger.Tests.PropertyBased;

namespace Glint.Server.Tests.Ledger;

/// <summary>
/// The promises of <see cref="ILedgerStore"/>, run against every store: the in-memory reference model, and the
/// database store payments use, on SQLite and on PostgreSQL. Idempotency first, then atomicity and concurrency, then
/// random sequences checked against the pure core.
/// </summary>
public abstract class LedgerStoreContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs <paramref name="use"/> with the store as one request sees it (the database store: its own scope).</summary>
    protected abstract Task<T> WithStoreAsync<T>(Func<ILedgerStore, Task<T>> use);

    /// <summary>Opens a wallet, as opening an account does.</summary>
    protected abstract Task<LedgerAccount> OpenWalletAsync(Currency currency);

    /// <summary>Every invariant over everything the store holds (<c>glint ledger verify</c> for the database).</summary>
    protected abstract Task<LedgerVerification> VerifyAsync();

    /// <summary>Hears the notifications the store publishes; <paramref name="onMessage"/> must not block.</summary>
    protected abstract IDisposable Listen(Action<string> onMessage);

    /// <summary>How many seeds the random property runs: every append of the database stores is a durable commit.</summary>
    protected virtual int PropertySeeds => 100;

    private Task<LedgerResult<AppendOutcome>> TryAppendAsync(JournalEntry entry, Guid? initiator = null, params string[] notifications) =>
        WithStoreAsync(store => store.AppendAsync(new LedgerAppend(entry) { Initiator = initiator, Notifications = notifications }, Ct));

    private async Task<AppendOutcome> AppendAsync(JournalEntry entry, Guid? initiator = null)
    {
        var result = await TryAppendAsync(entry, initiator);
        Assert.True(result.IsSuccess, result.ToString());
        return result.Value;
    }

    private Task<Money> BalanceAsync(LedgerAccount wallet) => WithStoreAsync(store => store.GetBalanceAsync(wallet, Ct));

    private async Task AssertValidAsync()
    {
        var verification = await VerifyAsync();
        Assert.True(verification.IsValid, string.Join("; ", verification.Violations.Select(violation => violation.Message)));
    }

    [Fact]
    public async Task Append_SameIdempotencyKeyTwice_KeepsOneEntryAndReturnsTheFirst()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        var bob = await OpenWalletAsync(Currency.Btc);
        var initiator = Guid.NewGuid();
        await AppendAsync(Sample.Credit(alice, 1_000));
        var first = Sample.Pay(alice, bob, 100, Sample.Header("pay-1"));
        var retry = Sample.Pay(alice, bob, 300, Sample.Header("pay-1"));

        var firstOutcome = await AppendAsync(first, initiator);
        var retryOutcome = await AppendAsync(retry, initiator);

        Assert.False(firstOutcome.Replayed);
        Assert.True(retryOutcome.Replayed);
        Assert.Equal(first.Id, retryOutcome.Entry.Id);
        Assert.Equal(first.Postings, retryOutcome.Entry.Postings);
        Assert.Equal(Money.Sats(900), await BalanceAsync(alice));
        Assert.Equal(Money.Sats(100), await BalanceAsync(bob));
        await AssertValidAsync();
    }

    [Fact]
    public async Task Append_SameKeyFromAnotherInitiator_IsAnotherPayment()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        var bob = await OpenWalletAsync(Currency.Btc);
        await AppendAsync(Sample.Credit(alice, 1_000));

        var first = await AppendAsync(Sample.Pay(alice, bob, 100, Sample.Header("one-key")), Guid.NewGuid());
        var second = await AppendAsync(Sample.Pay(alice, bob, 100, Sample.Header("one-key")), Guid.NewGuid());

        Assert.False(first.Replayed);
        Assert.False(second.Replayed);
        Assert.Equal(Money.Sats(200), await BalanceAsync(bob));
    }

    [Fact]
    public async Task Append_RetryAfterTheWalletWasEmptied_StillReplaysTheFirstResult()
    {
        var alice = await OpenWalletAsync(Currency.Usd);
        var bob = await OpenWalletAsync(Currency.Usd);
        var initiator = Guid.NewGuid();
        await AppendAsync(Sample.Credit(alice, 100));
        var payment = Sample.Pay(alice, bob, 100, Sample.Header("pay-all"));
        await AppendAsync(payment, initiator);

        var retry = await AppendAsync(payment, initiator);

        Assert.True(retry.Replayed);
        Assert.Equal(payment.Id, retry.Entry.Id);
        Assert.Equal(Money.Cents(0), await BalanceAsync(alice));
        Assert.Equal(Money.Cents(100), await BalanceAsync(bob));
    }

    [Fact]
    public async Task Append_RefusedEntry_DoesNotUseUpItsKeyNorWriteAnything()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        var bob = await OpenWalletAsync(Currency.Btc);
        var initiator = Guid.NewGuid();

        var refused = await TryAppendAsync(Sample.Pay(alice, bob, 500, Sample.Header("pay-2")), initiator);
        Assert.Equal(Money.Sats(0), await BalanceAsync(bob));
        await AppendAsync(Sample.Credit(alice, 1_000));
        var accepted = await AppendAsync(Sample.Pay(alice, bob, 500, Sample.Header("pay-2")), initiator);

        var insufficient = Assert.IsType<InsufficientBalance>(refused.Failure);
        Assert.Equal(alice, insufficient.Account);
        Assert.Equal(Money.Sats(500), insufficient.Debit);
        Assert.False(accepted.Replayed);
        Assert.Equal(Money.Sats(500), await BalanceAsync(alice));
        Assert.Equal(Money.Sats(500), await BalanceAsync(bob));
        await AssertValidAsync();
    }

    [Fact]
    public async Task Append_DifferentKeys_AreDifferentPayments()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        var bob = await OpenWalletAsync(Currency.Btc);
        var initiator = Guid.NewGuid();
        await AppendAsync(Sample.Credit(alice, 1_000));

        await AppendAsync(Sample.Pay(alice, bob, 100, Sample.Header("a")), initiator);
        await AppendAsync(Sample.Pay(alice, bob, 100, Sample.Header("b")), initiator);
        await AppendAsync(Sample.Pay(alice, bob, 100), initiator);

        Assert.Equal(Money.Sats(300), await BalanceAsync(bob));
    }

    [Fact]
    public async Task Append_ConcurrentRetriesWithOneKey_PayOnce()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        var bob = await OpenWalletAsync(Currency.Btc);
        var initiator = Guid.NewGuid();
        await AppendAsync(Sample.Credit(alice, 1_000));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            Task.Run(() => AppendAsync(Sample.Pay(alice, bob, 10, Sample.Header("burst")), initiator), Ct)));

        Assert.Single(outcomes, outcome => !outcome.Replayed);
        Assert.Single(outcomes.Select(outcome => outcome.Entry.Id).Distinct());
        Assert.Equal(Money.Sats(990), await BalanceAsync(alice));
        Assert.Equal(Money.Sats(10), await BalanceAsync(bob));
        await AssertValidAsync();
    }

    [Fact]
    public async Task Append_ConcurrentPaymentsFromOneWallet_NeverOverdraw()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        var bob = await OpenWalletAsync(Currency.Btc);
        var carol = await OpenWalletAsync(Currency.Usd);
        await AppendAsync(Sample.Credit(alice, 1_000_000));
        await AppendAsync(Sample.Credit(bob, 1_000_000));

        // Both directions at once, and conversions through the operator's accounts: nothing may deadlock or overdraw.
        var results = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => Task.Run(() => (i % 3) switch
        {
            0 => TryAppendAsync(Sample.Pay(alice, bob, 20_000)),
            1 => TryAppendAsync(Sample.Pay(bob, alice, 10_000)),
            _ => TryAppendAsync(Sample.Pay(alice, carol, 20_000)),
        }, Ct)));

        Assert.All(results.Where(result => !result.IsSuccess), result => Assert.IsType<InsufficientBalance>(result.Failure));
        Assert.Contains(results, result => !result.IsSuccess);
        var moved = results.Count(result => result.IsSuccess);
        Assert.False((await BalanceAsync(alice)).IsNegative);
        Assert.False((await BalanceAsync(bob)).IsNegative);
        Assert.True(moved > 0);
        await AssertValidAsync();
    }

    [Fact]
    public async Task Append_ToAWalletNeverOpened_IsRefusedAndMovesNothing()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        await AppendAsync(Sample.Credit(alice, 1_000));
        var stranger = Sample.BtcWallet();

        var toStranger = await TryAppendAsync(Sample.Pay(alice, stranger, 100));
        var fromStranger = await TryAppendAsync(Sample.Pay(stranger, alice, 100));
        var wrongCurrency = await TryAppendAsync(Sample.Pay(LedgerAccount.Wallet(alice.WalletId!.Value, Currency.Usd), Sample.UsdWallet(), 1));

        Assert.Equal(stranger, Assert.IsType<UnknownWallet>(toStranger.Failure).Account);
        Assert.Equal(stranger, Assert.IsType<UnknownWallet>(fromStranger.Failure).Account);
        Assert.False(wrongCurrency.IsSuccess);
        Assert.Equal(Money.Sats(1_000), await BalanceAsync(alice));
        await AssertValidAsync();
    }

    [Fact]
    public async Task Append_InvalidRestoredEntry_IsRefused()
    {
        var wallet = await OpenWalletAsync(Currency.Btc);
        var forged = JournalEntry.Restore(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(LedgerAccount.Funding(Currency.Btc), Money.Sats(-1)), new Posting(wallet, Money.Sats(1_000))]);

        var result = await TryAppendAsync(forged);

        Assert.IsType<UnbalancedEntry>(result.Failure);
        Assert.Equal(Money.Sats(0), await BalanceAsync(wallet));
    }

    [Fact]
    public async Task Append_SameEntryIdTwiceWithoutKey_Throws()
    {
        var credit = Sample.Credit(await OpenWalletAsync(Currency.Btc), 1);
        await AppendAsync(credit);

        await Assert.ThrowsAsync<InvalidOperationException>(() => TryAppendAsync(credit));
    }

    [Fact]
    public async Task Append_PublishesItsNotificationsOnlyOnceAppended()
    {
        var alice = await OpenWalletAsync(Currency.Btc);
        var bob = await OpenWalletAsync(Currency.Btc);
        var initiator = Guid.NewGuid();
        var tag = Guid.NewGuid().ToString("N");
        var heard = new List<string>();
        var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = Listen(message =>
        {
            if (message.StartsWith(tag, StringComparison.Ordinal))
            {
                lock (heard)
                {
                    heard.Add(message);
                }

                if (message == tag + ":paid")
                {
                    appended.TrySetResult();
                }
            }
        });

        await TryAppendAsync(Sample.Pay(alice, bob, 10, Sample.Header("notify")), initiator, tag + ":refused");
        await AppendAsync(Sample.Credit(alice, 100));
        Assert.True((await TryAppendAsync(Sample.Pay(alice, bob, 10, Sample.Header("notify")), initiator, tag + ":paid", tag + ":paid-too")).IsSuccess);
        await TryAppendAsync(Sample.Pay(alice, bob, 10, Sample.Header("notify")), initiator, tag + ":replayed");
        await appended.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        // A marker appended last: once it is heard, everything published before it was heard too (commit order).
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var end = Listen(message =>
        {
            if (message == "end:" + tag)
            {
                done.TrySetResult();
            }
        });
        Assert.True((await TryAppendAsync(Sample.Credit(bob, 1), null, "end:" + tag)).IsSuccess);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        lock (heard)
        {
            Assert.Equal([tag + ":paid", tag + ":paid-too"], heard);
        }
    }

    /// <summary>
    /// Random credits and payments between a few wallets, some retried with their key: the store agrees with the pure
    /// core (<see cref="Balances.Apply"/>) on every outcome and balance, replays every retry, and keeps every invariant.
    /// </summary>
    [Fact]
    public async Task RandomAppendsWithRetries_ReplayAndAgreeWithThePureCore()
    {
        const int StepsPerSeed = 120;
        var replays = 0;
        await Seeds.ForEachAsync(PropertySeeds, async seed =>
        {
            var random = new Random(seed);
            var wallets = new List<LedgerAccount>();
            for (var count = random.Next(2, 6); wallets.Count < count;)
            {
                wallets.Add(await OpenWalletAsync(random.Next(2) == 0 ? Currency.Btc : Currency.Usd));
            }

            var initiator = Guid.NewGuid();
            var model = Balances.Empty; // the pure core is the reference the store must agree with
            var firstByKey = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
            var appended = new HashSet<Guid>();
            var sent = new List<JournalEntry>();
            for (var step = 0; step < StepsPerSeed; step++)
            {
                JournalEntry entry;
                if (sent.Count > 0 && random.Next(100) < 15)
                {
                    entry = sent[random.Next(sent.Count)]; // a client retrying a request it already sent
                }
                else
                {
                    var key = random.Next(100) < 40 ? $"key-{random.Next(30)}" : null;
                    var header = new EntryHeader(Guid.NewGuid(), Sample.Start.AddSeconds(step), key, memo: $"step {step}");
                    var built = RandomMovement.Draw(random, wallets, header).Build();
                    if (!built.IsSuccess)
                    {
                        continue;
                    }

                    entry = built.Value;
                }

                if (entry.IdempotencyKey is null && appended.Contains(entry.Id))
                {
                    continue; // a keyless retry of an appended entry is a caller bug the store rightly throws on
                }

                var outcome = await TryAppendAsync(entry, initiator);
                if (entry.IdempotencyKey is { } usedKey && firstByKey.TryGetValue(usedKey, out var first))
                {
                    Assert.True(outcome.IsSuccess, outcome.ToString());
                    Assert.True(outcome.Value.Replayed);
                    Assert.Equal(first.Id, outcome.Value.Entry.Id);
                    replays++;
                }
                else
                {
                    var expected = model.Apply(entry);
                    Assert.Equal(expected.Failure?.GetType(), outcome.Failure?.GetType());
                    if (expected.IsSuccess)
                    {
                        Assert.False(outcome.Value.Replayed);
                        Assert.Equal(entry.Id, outcome.Value.Entry.Id);
                        model = expected.Value;
                        appended.Add(entry.Id);
                        if (entry.IdempotencyKey is { } newKey)
                        {
                            firstByKey[newKey] = entry;
                        }
                    }
                }

                sent.Add(entry);
                foreach (var wallet in wallets)
                {
                    Assert.Equal(model.BalanceOf(wallet), await BalanceAsync(wallet));
                }
            }
        });

        Assert.True(replays > 0, "No retry was replayed; the property did not exercise idempotency.");
        await AssertValidAsync();
    }
}
