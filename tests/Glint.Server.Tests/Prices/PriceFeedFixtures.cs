using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Prices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Prices;

/// <summary>
/// A server whose price source is <see cref="Feed"/> (polled every minute of <see cref="Clock"/>, a fake clock the
/// tests move), read at <c>data.amount</c> as a well-known exchange's spot price answer holds it.
/// </summary>
public abstract class PriceFeedServerFixture : GlintServerFixture, IAsyncLifetime
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public PriceFeed Feed { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.PriceSource] = "feed",
        [ConfigurationKeys.PriceFeedUrl] = Feed.Url,
        [ConfigurationKeys.PriceFeedJsonPath] = "data.amount",
        [ConfigurationKeys.PriceFeedInterval] = "1m",
    };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);

    public new async ValueTask InitializeAsync()
    {
        Feed = await PriceFeed.StartAsync();
        await base.InitializeAsync();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Feed.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Moves the clock one interval on and returns what the poll it starts read.</summary>
    public async Task<PriceReading> PollAsync()
    {
        var poller = Services.GetRequiredService<PriceFeedPoller>();
        var polled = new TaskCompletionSource<PriceReading>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnPolled(PriceReading reading) => polled.TrySetResult(reading);
        poller.Polled += OnPolled;
        try
        {
            Clock.Advance(Interval);
            return await polled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            poller.Polled -= OnPolled;
        }
    }
}

public sealed class SqlitePriceFeedServerFixture : PriceFeedServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public sealed class PostgresPriceFeedServerFixture : PriceFeedServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}
