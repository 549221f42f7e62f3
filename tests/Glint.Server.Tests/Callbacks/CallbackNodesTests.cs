using Glint.Callbacks.Delivery;
using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// Two PostgreSQL nodes delivering from one database: when retries fall due on both at the same moment, each delivery
/// is claimed by one node only (<c>FOR UPDATE SKIP LOCKED</c>), so each attempt reaches the receiver once.
/// </summary>
public sealed class PostgresCallbackNodesTests
{
    private const int Payments = 20;

    [Fact]
    public async Task Two_nodes_retrying_at_the_same_moment_send_each_delivery_once()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer = _ => 500;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = new CallbackNode(database.Dsn, clock);
        var second = new CallbackNode(database.Dsn, clock);
        await first.InitializeAsync();
        await second.InitializeAsync();
        Guid endpoint;
        Dictionary<long, int> attemptsBefore;
        try
        {
            var payer = await first.NewUserAsync(sats: 100_000);
            var payee = await first.NewUserAsync();
            endpoint = await first.AddAcceptedEndpointAsync(payee.Token, receiver.Url("payee"));
            for (var payment = 0; payment < Payments; payment++)
            {
                Assert.Equal("SUCCESS", (await first.PayAsync(payer, payee.BtcWalletId, 10 + payment))["status"].Str());
            }

            // Every first attempt got a 500 and is due again about 5 s later, on the clock both nodes share.
            await CallbackCalls.WaitUntilAsync(async () => await first.DeliveriesAsync(endpoint) is { Count: Payments } all &&
                all.All(delivery => delivery.LastStatusCode == 500 && delivery.NextAttemptAt - delivery.LastAttemptAt < RetrySchedule.ClaimLease));
            attemptsBefore = (await first.DeliveriesAsync(endpoint)).ToDictionary(delivery => delivery.Id, delivery => delivery.Attempts);
            while (receiver.HasMore)
            {
                await receiver.NextAsync();
            }

            receiver.Answer = _ => 200;
            // Both nodes' poll timers fire at once, and both look for the same due deliveries.
            clock.Advance(TimeSpan.FromSeconds(6));
            await CallbackCalls.WaitUntilAsync(async () =>
                (await first.DeliveriesAsync(endpoint)).All(delivery => delivery.Status == CallbackDelivery.Delivered));
            Assert.All(await second.DeliveriesAsync(endpoint), delivery => Assert.Equal(attemptsBefore[delivery.Id] + 1, delivery.Attempts));
        }
        finally
        {
            // Stopped before counting, so that a second send of a delivery, had there been one, has arrived.
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        var retried = new List<ReceivedCallback>();
        while (receiver.HasMore)
        {
            retried.Add(await receiver.NextAsync());
        }

        Assert.Equal(Payments, retried.Count);
        Assert.Equal(Payments, retried.Select(received => received.Id).Distinct().Count());
    }
}
