using System.Numerics;

namespace Glint.Ledger.Tests.PropertyBased;

/// <summary>
/// Random sequences of credits and payments (same and cross currency, valid or not) between random wallets. Whatever
/// the sequence, every accepted entry is balanced, no wallet is ever negative, each currency sums to zero, balances
/// equal the sums of the applied postings, and every refusal is one the inputs justify. The stores' contract, which
/// runs the same movements through the in-memory model and the database store, is in Glint.Server.Tests/Ledger.
/// </summary>
public sealed class LedgerPropertyTests
{
    private const int SeedCount = 200;
    private const int StepsPerSeed = 250;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RandomCreditsAndPayments_KeepEveryInvariant()
    {
        var unaffordableInRun = 0;
        await Seeds.ForEachAsync(SeedCount, seed => unaffordableInRun += RunCreditsAndPayments(seed));

        // Guard against a vacuous run: the affordability rule must have been exercised too.
        Assert.True(unaffordableInRun >= SeedCount, $"Only {unaffordableInRun} payments were refused for lack of funds.");
    }

    /// <summary>Runs one seed; returns how many payments were refused for lack of funds.</summary>
    private static int RunCreditsAndPayments(int seed)
    {
        var random = new Random(seed);
        var wallets = DrawWallets(random);
        var balances = Balances.Empty;
        var applied = new List<JournalEntry>();
        var postingSums = new Dictionary<string, long>(StringComparer.Ordinal); // the model: sums of applied postings
        var (accepted, unaffordable) = (0, 0);

        for (var step = 0; step < StepsPerSeed; step++)
        {
            var movement = RandomMovement.Draw(random, wallets, DrawHeader(random, step));
            var built = movement.Build();
            var expectedRefusal = movement.ExpectedRefusal();
            if (!built.IsSuccess)
            {
                AssertJustified(expectedRefusal, built.Failure, movement);
                continue;
            }

            if (expectedRefusal is not null)
            {
                Assert.Fail($"Step {step}: {movement} was built although it should fail with {expectedRefusal}.");
            }

            var entry = built.Value;
            AssertShapedLike(movement, entry);

            var result = balances.Apply(entry);
            if (!result.IsSuccess)
            {
                // The only refusal left is affordability, and only for a payer that really cannot pay.
                var refusal = Assert.IsType<InsufficientBalance>(result.Failure);
                Assert.False(movement.IsCredit, $"Step {step}: a credit was refused: {refusal.Message}");
                Assert.Equal(movement.Payer, refusal.Account);
                Assert.True(postingSums.GetValueOrDefault(movement.Payer.Id) < movement.Amount.MinorUnits, refusal.Message);
                unaffordable++;
                continue;
            }

            balances = result.Value;
            applied.Add(entry);
            accepted++;
            foreach (var posting in entry.Postings)
            {
                postingSums[posting.Account.Id] = postingSums.GetValueOrDefault(posting.Account.Id) + posting.Amount.MinorUnits;
            }

            AssertInvariants(balances, postingSums, step);
        }

        // Guard against a vacuous run where everything was refused.
        Assert.True(accepted >= StepsPerSeed / 5, $"Only {accepted} of {StepsPerSeed} movements were accepted.");

        Assert.Equal(0, balances.Total(Currency.Btc));
        Assert.Equal(0, balances.Total(Currency.Usd));
        var recorded = balances.Accounts.ToDictionary(held => held.Account.Id, held => held.Balance, StringComparer.Ordinal);
        var verification = LedgerInvariants.Verify(applied, recorded);
        Assert.True(verification.IsValid, string.Join("; ", verification.Violations));
        Assert.Equal(applied.Count, verification.EntryCount);
        return unaffordable;
    }

    private static List<LedgerAccount> DrawWallets(Random random) =>
        [.. Enumerable.Range(0, random.Next(2, 7)).Select(_ =>
            LedgerAccount.Wallet(DrawGuid(random), random.Next(2) == 0 ? Currency.Btc : Currency.Usd))];

    private static EntryHeader DrawHeader(Random random, int step) =>
        new(DrawGuid(random), Sample.Start.AddSeconds(step), memo: $"step {step}");

    private static Guid DrawGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[0] |= 1; // never Guid.Empty
        return new Guid(bytes);
    }

    private static void AssertJustified((Type Failure, InvalidAmountReason? Reason)? expected, LedgerFailure actual, RandomMovement movement)
    {
        Assert.True(expected is not null, $"{movement} was refused with '{actual.Message}' although it is valid.");
        Assert.Equal(expected.Value.Failure, actual.GetType());
        if (actual is InvalidAmount invalid)
        {
            Assert.Equal(expected.Value.Reason, invalid.Reason);
        }
    }

    /// <summary>The entry moves exactly what the movement asked for, balanced per currency, and never creates value.</summary>
    private static void AssertShapedLike(RandomMovement movement, JournalEntry entry)
    {
        Assert.True(entry.Postings.Length >= 2);
        foreach (var currency in Enum.GetValues<Currency>())
        {
            Assert.Equal(0, entry.Postings.Where(p => p.Amount.Currency == currency).Sum(p => (decimal)p.Amount.MinorUnits));
        }

        var received = entry.PostingFor(movement.Receiver)!.Amount;
        Assert.Equal(movement.ExpectedReceived(), received.MinorUnits);
        Assert.Equal(movement.Receiver.Currency, received.Currency);
        if (movement.IsCredit)
        {
            Assert.Equal(-movement.Amount, entry.PostingFor(LedgerAccount.Funding(movement.Receiver.Currency))!.Amount);
            return;
        }

        Assert.Equal(-movement.Amount, entry.PostingFor(movement.Payer)!.Amount);
        if (movement.IsCrossCurrency)
        {
            // Value in cents × 10^8 (exact): what the receiver gets is worth at most what the payer paid, less than
            // one receiver unit below it.
            var price = new BigInteger(movement.Price.CentsPerBitcoin);
            var satsPerBitcoin = new BigInteger(BtcUsdPrice.SatsPerBitcoin);
            var (paid, got, unit) = movement.Payer.Currency == Currency.Btc
                ? (price * movement.Amount.MinorUnits, satsPerBitcoin * received.MinorUnits, satsPerBitcoin)
                : (satsPerBitcoin * movement.Amount.MinorUnits, price * received.MinorUnits, price);
            if (got > paid || paid >= got + unit)
            {
                Assert.Fail($"{movement}: paid {paid}, received {got} (× 10^-8 cents).");
            }
        }
    }

    private static void AssertInvariants(Balances balances, Dictionary<string, long> postingSums, int step)
    {
        // One pass over the balances: this runs after every step, so it stays cheap.
        var (btcTotal, usdTotal, count) = (Int128.Zero, Int128.Zero, 0);
        foreach (var held in balances.Accounts)
        {
            if (held.Account.IsWallet && held.Balance.IsNegative)
            {
                Assert.Fail($"Step {step}: {held.Account.Id} is at {held.Balance}.");
            }

            if (postingSums[held.Account.Id] != held.Balance.MinorUnits)
            {
                Assert.Fail($"Step {step}: {held.Account.Id} is at {held.Balance}, its postings sum to {postingSums[held.Account.Id]}.");
            }

            (btcTotal, usdTotal) = held.Balance.Currency == Currency.Btc
                ? (btcTotal + held.Balance.MinorUnits, usdTotal)
                : (btcTotal, usdTotal + held.Balance.MinorUnits);
            count++;
        }

        if (btcTotal != 0 || usdTotal != 0 || count != postingSums.Count)
        {
            Assert.Fail($"Step {step}: BTC sums to {btcTotal}, USD to {usdTotal}; {count} balances for {postingSums.Count} posted accounts.");
        }
    }
}
