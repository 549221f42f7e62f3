using Glint.Data;
using Glint.Ledger;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Journal;
using Glint.Wallets.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Wallets;

/// <summary>
/// PostgreSQL's group commit of payments (<see cref="PostgresCommitGroups"/>): payments queued together are written in
/// one transaction, and a refused one neither takes the others down nor is written.
/// </summary>
public sealed class PostgresPaymentGroupTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static Task<PaymentOutcome> PayAsync(WalletDatabase wallets, Glint.Wallets.Accounts.OpenedAccount payer, Guid to, long amount, string? key = null) =>
        wallets.InScopeAsync(provider => provider.GetRequiredService<PaymentService>()
            .PayAsync(payer.AccountId, payer.BtcWalletId, to, amount, Currency.Btc, "group", key, CancellationToken.None));

    private static Task<long> BalanceAsync(WalletDatabase wallets, Guid walletId) =>
        wallets.InScopeAsync(provider => provider.GetRequiredService<GlintDbContext>().Wallets.Where(w => w.Id == walletId).Select(w => w.Balance).SingleAsync());

    [Fact]
    public async Task A_refused_payment_in_a_group_is_refused_alone_and_the_others_are_committed()
    {
        List<Glint.Wallets.Accounts.OpenedAccount> payers = [];
        Glint.Wallets.Accounts.OpenedAccount receiver;
        await using (var wallets = await WalletDatabase.OpenAsync(server))
        {
            for (var i = 0; i < 5; i++)
            {
                payers.Add(await wallets.OpenAccountAsync(sats: 1_000));
            }

            receiver = await wallets.OpenAccountAsync();
            var blocker = await wallets.OpenAccountAsync(sats: 1_000);
            var groups = await wallets.InScopeAsync(provider => Task.FromResult(provider.GetRequiredService<PostgresCommitGroups>()));

            // A transaction of the test's own holds the blocker's wallet: the writer's first group (the blocker's
            // payment) waits for it, and the payments made meanwhile queue up for the next group, all together.
            Task<PaymentOutcome> first;
            List<Task<PaymentOutcome>> group;
            await using (var holder = await wallets.InScopeAsync(provider => Task.FromResult(provider.CreateAsyncScope())))
            {
                var db = holder.ServiceProvider.GetRequiredService<GlintDbContext>();
                await using var held = await db.Database.BeginTransactionAsync();
                await db.Database.ExecuteSqlAsync($"SELECT 1 FROM wallets WHERE \"Id\" = {blocker.BtcWalletId} FOR UPDATE");
                first = PayAsync(wallets, blocker, receiver.BtcWalletId, 100);
                await UntilAsync(() => groups.Waiting == 0 && !first.IsCompleted ? WaitingOnLockAsync(db) : Task.FromResult(false));

                group =
                [
                    PayAsync(wallets, payers[0], receiver.BtcWalletId, 500),
                    PayAsync(wallets, payers[1], receiver.BtcWalletId, 1_000),
                    PayAsync(wallets, payers[2], receiver.BtcWalletId, 1_001), // more than the wallet holds
                    PayAsync(wallets, payers[3], receiver.BtcWalletId, 250),
                    PayAsync(wallets, payers[4], receiver.BtcWalletId, 1),
                ];
                await UntilAsync(() => Task.FromResult(groups.Waiting == group.Count));
                await held.RollbackAsync();
            }

            Assert.Equal(PaymentStatus.Success, (await first).Status);
            var outcomes = await Task.WhenAll(group);
            Assert.Equal(new[] { true, true, false, true, true }, outcomes.Select(outcome => outcome.Status == PaymentStatus.Success).ToArray());
            Assert.Equal("INSUFFICIENT_BALANCE", outcomes[2].Error?.Code);
        }

        // Acknowledged means committed: a new process over the same database finds every payment, and not the refused one.
        await using (var reopened = await WalletDatabase.OpenAsync(server))
        {
            Assert.Equal(new long[] { 500, 0, 1_000, 750, 999 }, await Task.WhenAll(payers.Select(payer => BalanceAsync(reopened, payer.BtcWalletId))));
            Assert.Equal(100 + 500 + 1_000 + 250 + 1, await BalanceAsync(reopened, receiver.BtcWalletId));
            await reopened.AssertLedgerValidAsync();
        }
    }

    [Fact]
    public async Task Payments_with_one_idempotency_key_in_one_group_pay_once()
    {
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var payer = await wallets.OpenAccountAsync(sats: 10_000);
        var receiver = await wallets.OpenAccountAsync();
        var key = Guid.NewGuid().ToString();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PayAsync(wallets, payer, receiver.BtcWalletId, 3_000, key)));

        Assert.All(outcomes, outcome => Assert.Equal(PaymentStatus.Success, outcome.Status));
        Assert.Single(outcomes.Select(outcome => outcome.EntryId).Distinct());
        Assert.Equal(7_000, await BalanceAsync(wallets, payer.BtcWalletId));
    }

    /// <summary>Whether a backend of the test's database waits for a row lock (the writer, behind the test's transaction).</summary>
    private static async Task<bool> WaitingOnLockAsync(GlintDbContext db) =>
        await db.Database.SqlQuery<int>(
            $"SELECT COUNT(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").SingleAsync() > 0;

    /// <summary>Waits for a condition the test cannot be told of, checking it between short pauses.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true.");
            await Task.Delay(10);
        }
    }
}
