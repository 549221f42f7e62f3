namespace Glint.Ledger.Tests;

public sealed class LedgerInvariantsTests
{
    private static readonly LedgerAccount BtcFunding = LedgerAccount.Funding(Currency.Btc);

    [Fact]
    public void Verify_AValidHistory_ReportsNothing()
    {
        var alice = Sample.BtcWallet();
        var bob = Sample.UsdWallet();
        JournalEntry[] entries = [Sample.Credit(alice, 100_000), Sample.Pay(alice, bob, 50_000), Sample.Pay(bob, alice, 100)];

        var verification = LedgerInvariants.Verify(entries);

        Assert.True(verification.IsValid, string.Join("; ", verification.Violations));
        Assert.Equal(3, verification.EntryCount);
    }

    [Fact]
    public void Verify_Empty_IsValid()
    {
        Assert.True(LedgerInvariants.Verify([]).IsValid);
    }

    [Fact]
    public void Verify_UnbalancedEntry_ReportsTheEntryAndTheCurrencySum()
    {
        var forged = JournalEntry.Restore(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(BtcFunding, Money.Sats(-1)), new Posting(Sample.BtcWallet(), Money.Sats(1_000))]);

        var verification = LedgerInvariants.Verify([forged]);

        Assert.Collection(verification.Violations,
            invalid =>
            {
                Assert.Equal(ViolationKind.InvalidEntry, invalid.Kind);
                Assert.Equal(forged.Id, invalid.EntryId);
            },
            sum =>
            {
                Assert.Equal(ViolationKind.CurrencySumNotZero, sum.Kind);
                Assert.Contains("999", sum.Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void Verify_WalletNegativeAtSomePoint_ReportsItEvenIfLaterRepaired()
    {
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();
        var overdraft = JournalEntry.Restore(Sample.Header(), JournalEntryKind.IntraLedgerPayment,
            [new Posting(alice, Money.Sats(-500)), new Posting(bob, Money.Sats(500))]);

        var verification = LedgerInvariants.Verify([overdraft, Sample.Credit(alice, 1_000)]);

        var violation = Assert.Single(verification.Violations);
        Assert.Equal(ViolationKind.NegativeWallet, violation.Kind);
        Assert.Equal(overdraft.Id, violation.EntryId);
        Assert.Equal(alice.Id, violation.AccountId);
    }

    [Fact]
    public void Verify_TheOrderOfEntriesMatters()
    {
        var alice = Sample.BtcWallet();
        var credit = Sample.Credit(alice, 1_000);
        var payment = Sample.Pay(alice, Sample.BtcWallet(), 1_000);

        Assert.True(LedgerInvariants.Verify([credit, payment]).IsValid);
        Assert.Equal(ViolationKind.NegativeWallet, Assert.Single(LedgerInvariants.Verify([payment, credit]).Violations).Kind);
    }

    [Fact]
    public void Verify_OperatorAccountsMayBeNegative()
    {
        var verification = LedgerInvariants.Verify([Sample.Credit(Sample.UsdWallet(), 1)]);

        Assert.True(verification.IsValid);
    }

    [Fact]
    public void Verify_SameEntryTwice_ReportsTheDuplicateId()
    {
        var credit = Sample.Credit(Sample.BtcWallet(), 1_000);

        var verification = LedgerInvariants.Verify([credit, credit]);

        var violation = Assert.Single(verification.Violations);
        Assert.Equal(ViolationKind.DuplicateEntryId, violation.Kind);
        Assert.Equal(credit.Id, violation.EntryId);
    }

    [Fact]
    public void Verify_IdempotencyKeyUsedTwice_ReportsTheSecondEntry()
    {
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();
        var first = Sample.Pay(alice, bob, 100, Sample.Header("pay-1"));
        var second = Sample.Pay(alice, bob, 100, Sample.Header("pay-1"));

        var verification = LedgerInvariants.Verify([Sample.Credit(alice, 1_000), first, second]);

        var violation = Assert.Single(verification.Violations);
        Assert.Equal(ViolationKind.DuplicateIdempotencyKey, violation.Kind);
        Assert.Equal(second.Id, violation.EntryId);
        Assert.Contains(first.Id.ToString(), violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RecordedBalancesMatchingThePostings_AreValid()
    {
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();
        JournalEntry[] entries = [Sample.Credit(alice, 1_000), Sample.Pay(alice, bob, 300)];
        var recorded = Sample.Applied(entries).Accounts.ToDictionary(held => held.Account.Id, held => held.Balance);

        Assert.True(LedgerInvariants.Verify(entries, recorded).IsValid);
    }

    [Fact]
    public void Verify_RecordedBalanceDifferentFromThePostings_ReportsALostUpdate()
    {
        var alice = Sample.BtcWallet();
        var bob = Sample.BtcWallet();
        JournalEntry[] entries = [Sample.Credit(alice, 1_000), Sample.Pay(alice, bob, 300)];
        var recorded = Sample.Applied(entries).Accounts.ToDictionary(held => held.Account.Id, held => held.Balance);
        recorded[alice.Id] = Money.Sats(1_000); // the payment's debit was lost

        var violation = Assert.Single(LedgerInvariants.Verify(entries, recorded).Violations);

        Assert.Equal(ViolationKind.BalanceMismatch, violation.Kind);
        Assert.Equal(alice.Id, violation.AccountId);
    }

    [Fact]
    public void Verify_RecordedBalanceMissingOrExtra_IsReported()
    {
        var alice = Sample.BtcWallet();
        var stranger = Sample.UsdWallet();
        JournalEntry[] entries = [Sample.Credit(alice, 1_000)];
        var recorded = new Dictionary<string, Money>
        {
            [BtcFunding.Id] = Money.Sats(-1_000),
            [stranger.Id] = Money.Cents(5),
        };

        var violations = LedgerInvariants.Verify(entries, recorded).Violations;

        Assert.Equal(new[] { alice.Id, stranger.Id }.Order(StringComparer.Ordinal), violations.Select(violation => violation.AccountId!));
        Assert.All(violations, violation => Assert.Equal(ViolationKind.BalanceMismatch, violation.Kind));
    }

    [Fact]
    public void Verify_HugeCorruptedAmounts_AreReportedWithoutOverflow()
    {
        var wallet = Sample.BtcWallet();
        var huge = JournalEntry.Restore(Sample.Header(), JournalEntryKind.Credit,
            [new Posting(wallet, Money.Sats(long.MaxValue)), new Posting(Sample.BtcWallet(), Money.Sats(long.MaxValue))]);

        var verification = LedgerInvariants.Verify([huge, huge]);

        Assert.Contains(verification.Violations, violation => violation.Kind == ViolationKind.CurrencySumNotZero);
    }
}
