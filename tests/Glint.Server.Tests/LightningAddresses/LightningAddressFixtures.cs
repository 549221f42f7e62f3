using Glint.Api.LightningAddresses;
using Glint.Callbacks;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Glint.Server.Tests.LightningAddresses;

/// <summary>
/// A server that may reach LNURL services on loopback (private targets allowed, as in development), with two
/// address domain aliases, and whose LNURL fetcher counts every HTTP request it sends.
/// </summary>
public abstract class LightningAddressServerFixture : GlintServerFixture
{
    public const string Alias = "pay.example";

    private int _fetches;

    /// <summary>HTTP requests Glint has sent to LNURL services.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>The default address domain: the issuer's host and port.</summary>
    public string Domain => $"127.0.0.1:{PublicPort}";

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.WebhooksAllowPrivateTargets] = "true",
        [ConfigurationKeys.LightningAddressDomainAliases] = Alias + ", Tips.Example",
    };

    protected override void ReplaceServices(IServiceCollection services) =>
        services.AddSingleton(provider => new LnurlFetcher(
            provider.GetRequiredService<IOptions<CallbackOptions>>(), provider.GetRequiredService<TimeProvider>(),
            inner => new CountingHandler(inner, () => Interlocked.Increment(ref _fetches))));

    private sealed class CountingHandler(HttpMessageHandler inner, Action count) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            count();
            return base.SendAsync(request, cancellationToken);
        }
    }
}

public sealed class SqliteLightningAddressServerFixture : LightningAddressServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public sealed class PostgresLightningAddressServerFixture : LightningAddressServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}
