using Glint.Auth.FlowStorage;
using Glint.Auth.OAuth2;
using Glint.Data;
using Glint.Data.OAuth;
using Glint.Server.Tests.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Two nodes on one PostgreSQL database redeeming the same verifiers at once, each in the opposite order: every
/// verifier redeems once, and no batch is lost to a deadlock (each node's batch locks the rows it races for in one
/// order, whatever order its requests came in).
/// </summary>
public sealed class PostgresRedemptionOrderTests : IAsyncLifetime
{
    private readonly RecordingLoggerProvider _logs = new();
    private TestDatabase _database = null!;
    private GlintNode[] _nodes = [];

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        _nodes = await GlintNode.StartAllAsync(_database.Dsn, 2, replaceServices: services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _database.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task The_same_verifiers_redeemed_on_two_nodes_in_opposite_orders_each_redeem_once_without_a_deadlock()
    {
        var client = (await _nodes[0].CreateClientAsync(new { grant_types = new[] { "authorization_code" }, redirect_uris = new[] { "http://127.0.0.1/cb" } }))["client_id"]!.GetValue<string>();
        await using var first = _nodes[0].Services.CreateAsyncScope();
        await using var second = _nodes[1].Services.CreateAsyncScope();
        var stores = new[] { first.ServiceProvider.GetRequiredService<FlowStore>(), second.ServiceProvider.GetRequiredService<FlowStore>() };

        for (var round = 0; round < 10; round++)
        {
            var flows = Enumerable.Range(0, 24).Select(_ => Guid.NewGuid().ToString("N")).ToArray();
            Task<bool>[] Redeem(FlowStore store, IEnumerable<string> ids) =>
                [.. ids.Select(id => store.RedeemLoginAsync(
                    new OAuthFlow { Id = id, ClientId = client, SessionId = id, Subject = "s", State = OAuthFlowState.LoginAccepted, Version = Guid.NewGuid(), RequestedAt = DateTimeOffset.UtcNow },
                    null, TestContext.Current.CancellationToken))];
            var forward = Redeem(stores[0], flows);
            var backward = Redeem(stores[1], flows.Reverse());
            await Task.WhenAll(forward.Concat(backward));

            var won = forward.Zip(backward.Reverse(), (a, b) => (a.Result ? 1 : 0) + (b.Result ? 1 : 0));
            Assert.All(won, count => Assert.Equal(1, count));
        }

        Assert.DoesNotContain(_logs.Records, record => record.Category == typeof(TokenWriter).FullName && record.Level >= LogLevel.Warning);
    }
}
