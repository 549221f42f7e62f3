using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Glint.Callbacks.Delivery;
using Glint.Callbacks.Endpoints;
using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Server.Hosting;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// Deliveries across a node's life, each test on a database and nodes of its own: a node stopped in the middle of an
/// attempt (the receiver has the request, the node never hears the answer) leaves the delivery claimed in the database,
/// and a node started later delivers it once the claim lapses; so does a node killed with deliveries in flight and
/// others not yet tried; an endpoint failing for five days is disabled, and enabled again by a resend.
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
    public async Task Deliveries_pending_when_the_node_is_killed_are_all_delivered_after_the_restart()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(kind);
        await using var receiver = await CallbackReceiver.StartAsync();
        ApiUser payer, payee;
        Guid payerEndpoint, payeeEndpoint;
        // The users and their endpoints come from a node of the test's own, stopped before any payment; the nodes
        // after it announce its issuer, so the users' tokens hold on each.
        var setup = new CallbackNode(database.Dsn, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await setup.InitializeAsync();
        var issuer = setup.Public.BaseAddress!.GetLeftPart(UriPartial.Authority);
        try
        {
            payer = await setup.NewUserAsync(sats: 10_000);
            payee = await setup.NewUserAsync();
            payerEndpoint = await setup.AddAcceptedEndpointAsync(payer.Token, receiver.Url("payer"));
            payeeEndpoint = await setup.AddAcceptedEndpointAsync(payee.Token, receiver.Url("payee"));
        }
        finally
        {
            await setup.DisposeAsync();
        }

        receiver.Hang = true;
        var cutShort = new List<ReceivedCallback>();
        using (var crashing = await GlintProcess.StartAsync(database.Dsn, LoopbackReceiverEnvironment, issuer, cancellationToken))
        {
            try
            {
                foreach (var sats in (long[])[101, 102, 103])
                {
                    Assert.Equal("SUCCESS", await PayAsync(crashing.Public, payer, payee.BtcWalletId, sats, cancellationToken));
                }

                // The killed node's dispatcher is in the middle of an attempt: the receiver has a request it never answered.
                cutShort.Add(await receiver.NextAsync());
            }
            finally
            {
                await crashing.KillAsync(cancellationToken);
            }
        }

        while (receiver.HasMore)
        {
            cutShort.Add(await receiver.NextAsync());
        }

        var reader = new DatabaseReader(database.Dsn);
        var pending = (await reader.DeliveriesAsync(payerEndpoint)).Concat(await reader.DeliveriesAsync(payeeEndpoint)).ToList();
        Assert.Equal(6, pending.Count);
        Assert.All(pending, delivery => Assert.Equal(CallbackDelivery.Pending, delivery.Status));
        Assert.Contains(pending, delivery => delivery.Attempts > 0);
        var events = pending.Select(CallbackPayloads.MessageId).ToHashSet();
        Assert.Equal(6, events.Count);

        receiver.Hang = false;
        // Started once the killed node's claims have lapsed.
        var restarted = new CallbackNode(database.Dsn, new FakeTimeProvider(DateTimeOffset.UtcNow + RetrySchedule.ClaimLease + TimeSpan.FromSeconds(1)),
            new Dictionary<string, string?> { [ConfigurationKeys.Issuer] = issuer });
        await restarted.InitializeAsync();
        try
        {
            var delivered = new Dictionary<string, ReceivedCallback>();
            while (delivered.Count < events.Count)
            {
                var received = await receiver.NextAsync();
                delivered.TryAdd(received.Id, received);
            }

            Assert.Equal(events.Order(), delivered.Keys.Order());
            foreach (var before in cutShort)
            {
                Assert.Equal(before.Body, delivered[before.Id].Body);
            }

            var payerSecret = await restarted.SecretAsync(payer.AccountId, payerEndpoint);
            var payeeSecret = await restarted.SecretAsync(payee.AccountId, payeeEndpoint);
            foreach (var received in delivered.Values)
            {
                CallbackCalls.AssertSigned(received, received.Path == "payer" ? payerSecret : payeeSecret);
                Assert.Equal(received.Path == "payer" ? "send.intraledger" : "receive.intraledger", JsonNode.Parse(received.Body)!["eventType"].Str());
            }

            Assert.Equal(new long[] { 101, 102, 103 }, delivered.Values.Where(received => received.Path == "payee")
                .Select(received => JsonNode.Parse(received.Body)!["transaction"]!["settlementAmount"].Number()).Order());
            foreach (var endpoint in new[] { payerEndpoint, payeeEndpoint })
            {
                await CallbackCalls.WaitUntilAsync(async () =>
                    (await restarted.DeliveriesAsync(endpoint)).All(delivery => delivery.Status == CallbackDelivery.Delivered));
            }
        }
        finally
        {
            await restarted.DisposeAsync();
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
            var failed = Assert.Single(await node.DeliveriesAsync(endpoint));

            // Resending a delivery from the portal, as the email says, enables the endpoint again and tries it anew.
            await using (var scope = node.Services.CreateAsyncScope())
            {
                Assert.True(await scope.ServiceProvider.GetRequiredService<CallbackEndpointStore>().ResendAsync(payee.AccountId, failed.Id, CancellationToken.None));
            }

            Assert.Null(await DisabledAtAsync(node, endpoint));
            await CallbackCalls.WaitUntilAsync(async () => (await node.DeliveriesAsync(endpoint))[0] is { Attempts: 1, Status: CallbackDelivery.Pending } row &&
                row.NextAttemptAt - row.LastAttemptAt < RetrySchedule.ClaimLease);
            await node.CreditAsync(payee.BtcWalletId, 40);
            Assert.Equal(2, (await node.DeliveriesAsync(endpoint)).Count);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>What <see cref="CallbackServerFixture.LoopbackReceivers"/> sets, as a separate process reads it.</summary>
    private static readonly Dictionary<string, string> LoopbackReceiverEnvironment = new()
    {
        ["GLINT_WEBHOOKS_ALLOW_HTTP"] = "true",
        ["GLINT_WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = "true",
    };

    /// <summary>An intra-ledger payment through <paramref name="node"/>'s API; returns its status.</summary>
    private static async Task<string> PayAsync(HttpClient node, ApiUser payer, Guid recipientWalletId, long sats, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = JsonContent.Create(new
            {
                query = "mutation Pay($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status errors { code message } } }",
                variables = new { input = new { walletId = payer.BtcWalletId, recipientWalletId, amount = sats } },
            }),
        };
        request.Headers.Add("Oauth2-Token", payer.Token);
        using var response = await node.SendAsync(request, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["data"]?["intraLedgerPaymentSend"]?["status"]?.GetValue<string>() ?? body.ToJsonString();
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
