using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Journal;
using Glint.Wallets.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Wallets;

/// <summary>
/// SQLite's group commit of appends (<see cref="SqliteCommitGroups"/>): whatever one group's appends do to the writer's
/// transaction, that group fails alone and the node's later appends are still written.
/// </summary>
public sealed class SqliteCommitGroupTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("COMMIT")] // the transaction ends under the writer: its rollback then finds none to roll back
    [InlineData("ROLLBACK")]
    [InlineData("RELEASE a0")] // the append's own savepoint, which began the transaction, is released early
    public async Task An_append_that_ends_the_writers_transaction_fails_alone_and_later_payments_are_written(string statement)
    {
        await using var wallets = await WalletDatabase.OpenAsync(server);
        var payer = await wallets.OpenAccountAsync(sats: 1_000);
        var receiver = await wallets.OpenAccountAsync();
        var groups = await wallets.InScopeAsync(provider => Task.FromResult(provider.GetRequiredService<SqliteCommitGroups>()));
        var template = await wallets.InScopeAsync(provider => Task.FromResult(provider.GetRequiredService<GlintDbContext>().Database.GetDbConnection()));

        var hostile = groups.RunAsync(template, async (connection, transaction, cancellationToken) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, static kept => kept, CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => hostile.WaitAsync(Patience));

        var paid = await wallets.InScopeAsync(provider => provider.GetRequiredService<PaymentService>()
                .PayAsync(payer.AccountId, payer.BtcWalletId, receiver.BtcWalletId, 300, Glint.Ledger.Currency.Btc, "after", null, CancellationToken.None))
            .WaitAsync(Patience);
        Assert.Equal(PaymentStatus.Success, paid.Status);
        var balance = await wallets.InScopeAsync(provider => provider.GetRequiredService<GlintDbContext>().Wallets
            .Where(wallet => wallet.Id == receiver.BtcWalletId).Select(wallet => wallet.Balance).SingleAsync());
        Assert.Equal(300, balance);
        await wallets.AssertLedgerValidAsync();
    }
}
