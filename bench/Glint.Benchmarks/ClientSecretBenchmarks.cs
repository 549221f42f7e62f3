using BenchmarkDotNet.Attributes;
using Glint.Data.OAuth;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Glint.Benchmarks;

/// <summary>
/// Client secret verification on the token endpoint, through Glint's <c>ClientManager</c>: OpenIddict's stored hash
/// (PBKDF2) the first time, then the remembered verification. A wrong secret is never remembered, so it always pays
/// the full key derivation: it measures what a first (or uncached) verification costs.
/// </summary>
[MemoryDiagnoser]
public class ClientSecretBenchmarks
{
    private const string Secret = "a-client-secret-as-long-as-glint-generates-them-0123456789";
    private ScratchDatabase _database = null!;
    private ServiceProvider _services = null!;
    private AsyncServiceScope _scope;
    private OpenIddictApplicationManager<Client> _manager = null!;
    private Client _client = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _database = new ScratchDatabase();
        _services = OpenIddictServices.Build(_database);
        _scope = _services.CreateAsyncScope();
        _manager = _scope.ServiceProvider.GetRequiredService<OpenIddictApplicationManager<Client>>();
        _client = (Client)await _manager.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = "bench-client",
            ClientSecret = Secret,
            ClientType = OpenIddictConstants.ClientTypes.Confidential,
        });
        await _manager.ValidateClientSecretAsync(_client, Secret);
    }

    [Benchmark(Description = "client secret: remembered verification")]
    public ValueTask<bool> Remembered() => _manager.ValidateClientSecretAsync(_client, Secret);

    [Benchmark(Description = "client secret: full verification (PBKDF2)")]
    public ValueTask<bool> Full() => _manager.ValidateClientSecretAsync(_client, "a-wrong-secret");

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
        _database.Dispose();
    }
}
