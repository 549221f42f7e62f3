using BenchmarkDotNet.Attributes;
using Glint.Data;
using Glint.Ledger;
using Glint.Ledger.Storage;
using Glint.Wallets;
using Glint.Wallets.Accounts;
using Glint.Wallets.Journal;
using Glint.Wallets.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Benchmarks;

/// <summary>
/// Posting a journal entry: building and checking a balanced payment entry in the pure ledger, and appending it
/// to the database as the wallet does (<see cref="WalletLedger"/>: two conditional balance updates, the entry and its
/// postings, in a savepoint of a group commit), on SQLite with synchronous commits. One append at a time, so each
/// group holds one entry: this measures the latency of a lone payment, not the throughput of concurrent ones.
/// </summary>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    private ScratchDatabase _database = null!;
    private ServiceProvider _services = null!;
    private LedgerAccount _payer = null!;
    private LedgerAccount _receiver = null!;
    private Balances _balances = null!;

    [GlobalSetup]
    public void Setup()
    {
        _database = new ScratchDatabase();
        var services = new ServiceCollection();
        services.AddDbContext<GlintDbContext>(_database.Use);
        services.AddGlintWallet(new BtcUsdPrice(10_000_000));
        _services = services.BuildServiceProvider();

        using var scope = _services.CreateScope();
        var opening = scope.ServiceProvider.GetRequiredService<AccountOpening>();
        var payer = opening.OpenAsync(null, "payer@bench.example", "payer", CancellationToken.None).GetAwaiter().GetResult().Account!;
        var receiver = opening.OpenAsync(null, "receiver@bench.example", "receiver", CancellationToken.None).GetAwaiter().GetResult().Account!;
        scope.ServiceProvider.GetRequiredService<PaymentService>()
            .CreditAsync(payer.BtcWalletId, 1_000_000_000_000, "benchmark funds", CancellationToken.None).GetAwaiter().GetResult();
        _payer = LedgerAccount.Wallet(payer.BtcWalletId, Currency.Btc);
        _receiver = LedgerAccount.Wallet(receiver.BtcWalletId, Currency.Btc);
        _balances = Balances.Empty.WithBalance(_payer, Money.Sats(1_000_000));
    }

    private EntryHeader NewHeader() => new(Guid.NewGuid(), DateTimeOffset.UtcNow);

    [Benchmark(Description = "journal entry: build and apply (pure ledger)")]
    public Balances BuildAndApply()
    {
        var entry = Movements.IntraLedgerPayment(NewHeader(), _payer, _receiver, Money.Sats(1)).Value;
        return _balances.Apply(entry).Value;
    }

    [Benchmark(Description = "journal entry: append to SQLite (WalletLedger)")]
    public async Task<AppendResult> Append()
    {
        await using var scope = _services.CreateAsyncScope();
        var entry = Movements.IntraLedgerPayment(NewHeader(), _payer, _receiver, Money.Sats(1)).Value;
        return await scope.ServiceProvider.GetRequiredService<WalletLedger>().AppendAsync(new LedgerAppend(entry), claim: null, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _database.Dispose();
    }
}
