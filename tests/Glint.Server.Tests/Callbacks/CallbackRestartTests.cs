using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// A node stopped in the middle of an attempt (the receiver has the request, the node never hears the answer) leaves
/// the delivery claimed in the database; a node started later on the same database delivers it once the claim lapses.
/// </summary>
public abstract class CallbackRestartTests(DatabaseKind kind)
{
    [Fact]
    public async Task A_delivery_cut_short_by_a_stopped_node_is_delivered_after_the_restart()
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var receiver = await CallbackReceiver.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        receiver.Hang = true;
        Guid endpoint;
        ReceivedCallback cutShort;
        var first = new CallbackNode(database.Dsn, clock);
        await first.InitializeAsync();
        try
        {
            var payer = await first.NewUserAsync(sats: 10_000);
            var payee = await first.NewUserAsync();
            endpoint = await first.AddAcceptedEndpointAsync(payee.Token, receiver.Url("restart"));
            Assert.Equal("SUCCESS", (await first.PayAsync(payer, payee.BtcWalletId, 700))["status"].Str());
            cutShort = await receiver.NextAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        var claimed = Assert.Single(await new DatabaseReader(database.Dsn).DeliveriesAsync(endpoint));
        Assert.Equal(CallbackDelivery.Pending, claimed.Status);
        Assert.Equal(1, claimed.Attempts);

        receiver.Hang = false;
        clock.Advance(TimeSpan.FromSeconds(61));
        var second = new CallbackNode(database.Dsn, clock);
        await second.InitializeAsync();
        try
        {
            var delivered = await receiver.NextAsync();
            Assert.Equal(cutShort.Id, delivered.Id);
            Assert.Equal(cutShort.Body, delivered.Body);
            await CallbackCalls.WaitUntilAsync(
                async () => (await second.DeliveriesAsync(endpoint))[0].Status == CallbackDelivery.Delivered);
            Assert.Equal(2, (await second.DeliveriesAsync(endpoint))[0].Attempts);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    /// <summary>Reads the deliveries between the two nodes, when no server is running.</summary>
    private sealed class DatabaseReader(string dsn)
    {
        public async Task<List<CallbackDelivery>> DeliveriesAsync(Guid endpointId)
        {
            await using var db = Glint.Server.Hosting.Database.Open(DatabaseDsn.Parse(dsn));
            return [.. db.CallbackDeliveries.Where(delivery => delivery.EndpointId == endpointId)];
        }
    }
}

public sealed class SqliteCallbackRestartTests() : CallbackRestartTests(DatabaseKind.Sqlite);

public sealed class PostgresCallbackRestartTests() : CallbackRestartTests(DatabaseKind.Postgres);
