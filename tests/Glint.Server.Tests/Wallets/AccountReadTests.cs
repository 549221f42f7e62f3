using Glint.Data;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Wallets;

/// <summary>
/// The caller's account and wallets, read for almost every API query: without renting the request's database context
/// once the node has read them through one, and never stale.
/// </summary>
public abstract class AccountReadTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>A request's services that count how often the database context is asked for.</summary>
    private sealed class CountingServices(IServiceProvider inner) : IServiceProvider
    {
        public int ContextsAskedFor { get; private set; }

        public object? GetService(Type serviceType)
        {
            if (serviceType == typeof(GlintDbContext))
            {
                ContextsAskedFor++;
            }

            return inner.GetService(serviceType);
        }
    }

    private async Task<(long Sats, int ContextsAskedFor)> ReadBtcBalanceAsync(Guid userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var services = new CountingServices(scope.ServiceProvider);
        var queries = new WalletQueries(services, server.Services.GetRequiredService<SettledAccountRead>(),
            server.Services.GetRequiredService<HeldReadConnections>(), server.Services.GetService<MultiplexedReads>());
        var found = await queries.FindAccountAndWalletsOfUserAsync(userId, TestContext.Current.CancellationToken);
        Assert.NotNull(found);
        return (found.Value.Wallets.Single(wallet => wallet.Currency == "BTC").Balance, services.ContextsAskedFor);
    }

    [Fact]
    public async Task TheCallersAccount_AfterTheNodesFirstRead_TakesNoContext_AndShowsEveryPayment()
    {
        var alice = await server.NewUserAsync(sats: 1_000);
        var bob = await server.NewUserAsync();
        const string Me = "query { me { defaultAccount { wallets { walletCurrency balance } } } }";
        await server.DataAsync(alice.Token, Me);

        Assert.Equal((1_000L, 0), await ReadBtcBalanceAsync(alice.UserId));

        var paid = await server.DataAsync(alice.Token,
            "mutation($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status } }",
            new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 100 } });
        Assert.Equal("SUCCESS", paid["intraLedgerPaymentSend"]!["status"]!.GetValue<string>());

        Assert.Equal((900L, 0), await ReadBtcBalanceAsync(alice.UserId));
        Assert.Equal((100L, 0), await ReadBtcBalanceAsync(bob.UserId));
        var me = await server.DataAsync(alice.Token, Me);
        var btc = me["me"]!["defaultAccount"]!["wallets"]!.AsArray().Single(wallet => wallet!["walletCurrency"]!.GetValue<string>() == "BTC");
        Assert.Equal(900, btc!["balance"]!.GetValue<long>());
    }
}

public sealed class SqliteAccountReadTests(SqliteServerFixture server) : AccountReadTests<SqliteServerFixture>(server);

public sealed class PostgresAccountReadTests(PostgresServerFixture server) : AccountReadTests<PostgresServerFixture>(server);
