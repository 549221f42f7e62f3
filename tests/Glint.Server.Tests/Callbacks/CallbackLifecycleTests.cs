using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// Deliveries across a node's life, each test on a database and nodes of its own: a node stopped in the middle of an
/// attempt (the receiver has the request, the node never hears the answer) leaves the delivery claimed in the database,
/// and a node started later delivers it once the claim lapses; an endpoint failing for five days is disabled.
/// </summary>
public abstract class CallbackLifecycleTests(DatabaseKind kind)
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

    [Fact]
    public async Task An_endpoint_failing_for_five_days_is_disabled_and_its_owner_emailed()
    {
        await using var database = await TestDatabase.CreateAsync(kind);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var node = new CallbackNode(database.Dsn, clock);
        await node.InitializeAsync();
        try
        {
            var email = Login.LoginRules.NewEmail();
            var payer = await node.NewUserAsync(sats: 10_000);
            var payee = await node.NewUserAsync(email: email);
            // Nothing listens on the discard port: every attempt fails at once.
            var endpoint = await node.AddAcceptedEndpointAsync(payee.Token, "http://127.0.0.1:9/down");
            await node.PayAsync(payer, payee.BtcWalletId, 10);
            await CallbackCalls.WaitUntilAsync(async () => (await node.DeliveriesAsync(endpoint))[0].Attempts == 1 &&
                (await node.DeliveriesAsync(endpoint))[0].NextAttemptAt - (await node.DeliveriesAsync(endpoint))[0].LastAttemptAt < TimeSpan.FromSeconds(30));

            // The retry due 5 s later is tried only now, five days after the first failure (tokens have expired
            // on this clock, so nothing below calls the API).
            clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));

            await CallbackCalls.WaitUntilAsync(async () => await DisabledAtAsync(node, endpoint) is not null);
            Assert.All(await node.DeliveriesAsync(endpoint), delivery => Assert.Equal(CallbackDelivery.Failed, delivery.Status));
            await CallbackCalls.WaitUntilAsync(async () => await MailsToAsync(node, email) > 0);
            // A disabled endpoint gets no new deliveries.
            await node.CreditAsync(payee.BtcWalletId, 30);
            Assert.Single(await node.DeliveriesAsync(endpoint));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    private static async Task<DateTimeOffset?> DisabledAtAsync(GlintServerFixture node, Guid endpointId)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        return await db.CallbackEndpoints.Where(row => row.Id == endpointId).Select(row => row.DisabledAt).SingleAsync();
    }

    private static async Task<int> MailsToAsync(GlintServerFixture node, string email)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        return await db.Outbox.CountAsync(message => message.To == email && message.Subject == "A Glint callback endpoint was disabled");
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

public sealed class SqliteCallbackLifecycleTests() : CallbackLifecycleTests(DatabaseKind.Sqlite);

public sealed class PostgresCallbackLifecycleTests() : CallbackLifecycleTests(DatabaseKind.Postgres);
