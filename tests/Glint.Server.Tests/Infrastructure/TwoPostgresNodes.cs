using Glint.Data;
using Glint.Server.Hosting;

namespace Glint.Server.Tests.Infrastructure;

/// <summary>
/// Two Glint nodes on one fresh PostgreSQL database, announcing the same issuer: for what must hold whichever node a
/// request reaches (single use, replay refusal, a request pushed to one and served by the other).
/// </summary>
public abstract class TwoPostgresNodes : IAsyncLifetime
{
    protected const string Issuer = "http://127.0.0.1:4444";

    private TestDatabase _database = null!;

    protected GlintNode[] Nodes { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        Nodes = await GlintNode.StartAllAsync(_database.Dsn, 2, new Dictionary<string, string?> { [ConfigurationKeys.Issuer] = Issuer });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
