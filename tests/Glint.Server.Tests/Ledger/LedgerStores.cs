using Glint.Data.Notifications;
using Glint.Ledger;
using Glint.Ledger.Storage;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Accounts;
using Glint.Wallets.Journal;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Ledger;

/// <summary>The contract on the reference model.</summary>
public sealed class InMemoryLedgerStoreContractTests : LedgerStoreContract
{
    private readonly InMemoryLedgerStore _store = new();
    private readonly InProcessNotificationChannel _heard = new();
    private int _published;

    protected override async Task<T> WithStoreAsync<T>(Func<ILedgerStore, Task<T>> use)
    {
        var result = await use(_store);
        lock (_store)
        {
            // Deliver what the store published since the last call, in order, as a channel would.
            var published = _store.Published;
            foreach (var message in published.Skip(_published))
            {
                _heard.PublishAsync(message, CancellationToken.None).GetAwaiter().GetResult();
            }

            _published = published.Count;
        }

        return result;
    }

    protected override Task<LedgerAccount> OpenWalletAsync(Currency currency) =>
        Task.FromResult(_store.Open(LedgerAccount.Wallet(Guid.NewGuid(), currency)));

    protected override Task<LedgerVerification> VerifyAsync() => Task.FromResult(LedgerInvariants.Verify(_store.EntriesWithScopedKeys, _store.RecordedBalances));

    protected override IDisposable Listen(Action<string> onMessage) => _heard.Subscribe(onMessage);
}

/// <summary>The contract on the database store of a running server, with its notification channel (LISTEN/NOTIFY on PostgreSQL).</summary>
public abstract class DatabaseLedgerStoreContract<TServer>(TServer server) : LedgerStoreContract, IClassFixture<TServer>
    where TServer : GlintServerFixture
{
    protected override int PropertySeeds => 8;

    protected override async Task<T> WithStoreAsync<T>(Func<ILedgerStore, Task<T>> use)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<ILedgerStore>());
    }

    protected override async Task<LedgerAccount> OpenWalletAsync(Currency currency)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var name = "l" + Guid.NewGuid().ToString("N")[..12];
        var opened = (await scope.ServiceProvider.GetRequiredService<AccountOpening>().OpenAsync(null, name + "@example.com", name, Ct)).Account!;
        return LedgerAccount.Wallet(currency == Currency.Btc ? opened.BtcWalletId : opened.UsdWalletId, currency);
    }

    protected override async Task<LedgerVerification> VerifyAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LedgerAudit>().VerifyAsync(Ct);
    }

    protected override IDisposable Listen(Action<string> onMessage) => server.Services.GetRequiredService<INotificationChannel>().Subscribe(onMessage);
}

public sealed class SqliteLedgerStoreContractTests(SqliteServerFixture server) : DatabaseLedgerStoreContract<SqliteServerFixture>(server);

public sealed class PostgresLedgerStoreContractTests(PostgresServerFixture server) : DatabaseLedgerStoreContract<PostgresServerFixture>(server);
