using System.Text.Json.Nodes;
using Glint.Data.Callbacks;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Lightning;
using Glint.Server.Tests.Login;

namespace Glint.Server.Tests.Callbacks;

/// <summary>
/// Callback endpoints through Blink's API, and their deliveries: written with the payment that causes them, one per
/// endpoint for both users, signed as Standard Webhooks, retried on Svix's schedule under a fake clock.
/// </summary>
public abstract class CallbackDeliveryTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : CallbackServerFixture
{
    [Fact]
    public async Task An_endpoint_is_added_listed_and_deleted()
    {
        var user = await server.NewUserAsync();
        var url = "http://127.0.0.1:9/hooks/" + Guid.NewGuid().ToString("N");

        var id = await server.AddAcceptedEndpointAsync(user.Token, url);

        Assert.Equal([(id.ToString("D"), url)], await server.EndpointsAsync(user.Token));
        var deleted = await server.DeleteEndpointAsync(user.Token, id.ToString("D"));
        Assert.True(deleted["success"]!.GetValue<bool>(), deleted.ToJsonString());
        Assert.Empty(deleted["errors"]!.AsArray());
        Assert.Empty(await server.EndpointsAsync(user.Token));
    }

    [Fact]
    public async Task The_eleventh_endpoint_is_refused()
    {
        var user = await server.NewUserAsync();
        for (var index = 0; index < 10; index++)
        {
            await server.AddAcceptedEndpointAsync(user.Token, $"http://127.0.0.1:9/hook{index}");
        }

        var refused = await server.AddEndpointAsync(user.Token, "http://127.0.0.1:9/hook10");

        Assert.Null(refused["id"]);
        var error = Assert.Single(refused["errors"]!.AsArray())!;
        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.Contains("at most 10", error["message"].Str(), StringComparison.Ordinal);
        Assert.Equal(10, (await server.EndpointsAsync(user.Token)).Count);
    }

    [Fact]
    public async Task Deleting_another_accounts_endpoint_is_refused()
    {
        var owner = await server.NewUserAsync();
        var other = await server.NewUserAsync();
        var id = await server.AddAcceptedEndpointAsync(owner.Token, "http://127.0.0.1:9/owned");

        var refused = await server.DeleteEndpointAsync(other.Token, id.ToString("D"));

        Assert.False(refused["success"]!.GetValue<bool>());
        Assert.Equal("NOT_FOUND", Assert.Single(refused["errors"]!.AsArray())!["code"].Str());
        Assert.Single(await server.EndpointsAsync(owner.Token));
        var malformed = await server.DeleteEndpointAsync(other.Token, "not-an-id");
        Assert.False(malformed["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Adding_needs_the_write_scope_and_listing_the_read_scope()
    {
        var reader = await server.NewUserAsync(grant: ["read"]);

        var body = await server.GraphQLAsync(reader.Token, """
            mutation { callbackEndpointAdd(input: { url: "http://127.0.0.1:9/x" }) { id errors { message } } }
            """);

        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(body)["code"].Str());
        Assert.Empty(await server.EndpointsAsync(reader.Token));
        var portal = await server.DataAsync(reader.Token, "query { me { defaultAccount { callbackPortalUrl } } }");
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/account/callbacks", portal["me"]!["defaultAccount"]!["callbackPortalUrl"].Str());
    }

    [Fact]
    public async Task A_payment_is_delivered_once_to_each_endpoint_of_both_users_signed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var payer = await server.NewUserAsync(sats: 50_000);
        var payee = await server.NewUserAsync();
        var payerFirst = await server.AddAcceptedEndpointAsync(payer.Token, receiver.Url("payer-1"));
        var payerSecond = await server.AddAcceptedEndpointAsync(payer.Token, receiver.Url("payer-2"));
        var payeeOnly = await server.AddAcceptedEndpointAsync(payee.Token, receiver.Url("payee"));

        Assert.Equal("SUCCESS", (await server.PayAsync(payer, payee.BtcWalletId, 1_234))["status"].Str());

        var received = (await receiver.NextAsync(3)).ToDictionary(callback => callback.Path);
        Assert.Equal(["payee", "payer-1", "payer-2"], received.Keys.Order());
        CallbackCalls.AssertSigned(received["payer-1"], await server.SecretAsync(payer.AccountId, payerFirst));
        CallbackCalls.AssertSigned(received["payer-2"], await server.SecretAsync(payer.AccountId, payerSecond));
        CallbackCalls.AssertSigned(received["payee"], await server.SecretAsync(payee.AccountId, payeeOnly));
        // One event per wallet: both of the payer's endpoints get the same message id, the payee's another.
        Assert.Equal(received["payer-1"].Id, received["payer-2"].Id);
        Assert.NotEqual(received["payer-1"].Id, received["payee"].Id);

        var sent = JsonNode.Parse(received["payer-1"].Body)!;
        Assert.Equal("send.intraledger", sent["eventType"].Str());
        Assert.Equal(payer.AccountId.ToString("D"), sent["accountId"].Str());
        Assert.Equal(payer.BtcWalletId.ToString("D"), sent["walletId"].Str());
        Assert.Equal(-1_234, sent["transaction"]!["settlementAmount"].Number());
        Assert.Equal("BTC", sent["transaction"]!["settlementCurrency"].Str());
        Assert.Equal("intraledger", sent["transaction"]!["initiationVia"]!["type"].Str());
        Assert.Equal(payee.BtcWalletId.ToString("D"), sent["transaction"]!["initiationVia"]!["counterPartyWalletId"].Str());
        var got = JsonNode.Parse(received["payee"].Body)!;
        Assert.Equal("receive.intraledger", got["eventType"].Str());
        Assert.Equal(1_234, got["transaction"]!["settlementAmount"].Number());
        Assert.Equal(payer.Username, got["transaction"]!["settlementVia"]!["counterPartyUsername"].Str());

        foreach (var endpoint in new[] { payerFirst, payerSecond, payeeOnly })
        {
            var delivery = Assert.Single(await server.DeliveriesAsync(endpoint));
            await CallbackCalls.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint))[0].Status == CallbackDelivery.Delivered);
            Assert.Equal(1, (await server.DeliveriesAsync(endpoint))[0].Attempts);
            Assert.Equal(200, (await server.DeliveriesAsync(endpoint))[0].LastStatusCode);
            Assert.Equal(delivery.Id, (await server.DeliveriesAsync(endpoint))[0].Id);
        }
    }

    [Fact]
    public async Task A_paid_invoice_is_delivered_as_lightning_to_both_users()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var payer = await server.NewUserAsync(sats: 50_000);
        var payee = await server.NewUserAsync();
        await server.AddAcceptedEndpointAsync(payer.Token, receiver.Url("payer"));
        await server.AddAcceptedEndpointAsync(payee.Token, receiver.Url("payee"));
        var invoice = await server.CreateForRecipientAsync(payee.BtcWalletId, 2_000);

        Assert.Equal("SUCCESS", (await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str()))["status"].Str());

        var received = (await receiver.NextAsync(2)).ToDictionary(callback => callback.Path, callback => JsonNode.Parse(callback.Body)!);
        Assert.Equal("send.lightning", received["payer"]["eventType"].Str());
        Assert.Equal("receive.lightning", received["payee"]["eventType"].Str());
        Assert.Equal(invoice["paymentHash"].Str(), received["payee"]["transaction"]!["initiationVia"]!["paymentHash"].Str());
        Assert.Equal(2_000, received["payee"]["transaction"]!["settlementAmount"].Number());
    }

    [Fact]
    public async Task A_receiver_answering_500_twice_gets_the_event_on_the_third_attempt()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer = index => index < 2 ? 500 : 200;
        var payer = await server.NewUserAsync(sats: 10_000);
        var payee = await server.NewUserAsync();
        var endpoint = await server.AddAcceptedEndpointAsync(payee.Token, receiver.Url("flaky"));

        await server.PayAsync(payer, payee.BtcWalletId, 500);

        var first = await receiver.NextAsync();
        await CallbackCalls.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint))[0] is { Attempts: 1, LastStatusCode: 500 });
        var pending = Assert.Single(await server.DeliveriesAsync(endpoint));
        Assert.Equal(CallbackDelivery.Pending, pending.Status);
        // Svix's schedule: 5 s after the first failure, stretched by at most a tenth.
        Assert.InRange(pending.NextAttemptAt!.Value - pending.LastAttemptAt!.Value, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5.5));

        server.Clock.Advance(TimeSpan.FromSeconds(6));
        var second = await receiver.NextAsync();
        // Recorded once the due time is past the claim's lease again (the status code is still the first attempt's until then).
        await CallbackCalls.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint))[0] is { Attempts: 2 } row &&
            row.NextAttemptAt - row.LastAttemptAt > TimeSpan.FromMinutes(2));
        pending = (await server.DeliveriesAsync(endpoint))[0];
        Assert.InRange(pending.NextAttemptAt!.Value - pending.LastAttemptAt!.Value, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5.5));

        server.Clock.Advance(TimeSpan.FromMinutes(6));
        var third = await receiver.NextAsync();
        await CallbackCalls.WaitUntilAsync(async () => (await server.DeliveriesAsync(endpoint))[0].Status == CallbackDelivery.Delivered);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, third.Id);
        Assert.Equal(first.Body, third.Body);
        var delivered = (await server.DeliveriesAsync(endpoint))[0];
        Assert.Equal(3, delivered.Attempts);
        Assert.Equal(200, delivered.LastStatusCode);
        Assert.Null(delivered.NextAttemptAt);
    }

    [Fact]
    public async Task A_refused_or_replayed_payment_writes_no_delivery()
    {
        var payer = await server.NewUserAsync(sats: 1_000);
        var payee = await server.NewUserAsync();
        var payerEndpoint = await server.AddAcceptedEndpointAsync(payer.Token, "http://127.0.0.1:9/payer");
        var payeeEndpoint = await server.AddAcceptedEndpointAsync(payee.Token, "http://127.0.0.1:9/payee");

        var refused = await server.PayAsync(payer, payee.BtcWalletId, 5_000);
        Assert.Equal("FAILURE", refused["status"].Str());
        Assert.Empty(await server.DeliveriesAsync(payerEndpoint));
        Assert.Empty(await server.DeliveriesAsync(payeeEndpoint));

        var key = Guid.NewGuid().ToString();
        Assert.Equal("SUCCESS", (await server.PayAsync(payer, payee.BtcWalletId, 100, key))["status"].Str());
        Assert.Equal("SUCCESS", (await server.PayAsync(payer, payee.BtcWalletId, 100, key))["status"].Str());

        Assert.Equal("send.intraledger", Assert.Single(await server.DeliveriesAsync(payerEndpoint)).EventType);
        Assert.Equal("receive.intraledger", Assert.Single(await server.DeliveriesAsync(payeeEndpoint)).EventType);
    }

    [Fact]
    public async Task The_portal_lists_endpoints_reveals_and_rotates_the_secret_and_resends_a_delivery()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        using var pages = new LoginPages(server);
        var email = LoginRules.NewEmail();
        var (login, _) = await pages.GoAsync("/login");
        var (code, _) = await pages.SubmitAsync(login!, "/login", [new("Email", email), new("Action", "next")]);
        await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        var (portal, _) = await pages.GoAsync("/account/callbacks");
        Assert.True(portal!.Has("no-endpoints"), portal.Html);

        var (added, _) = await pages.SubmitAsync(portal, "/account/callbacks?handler=Add", [new("EndpointUrl", receiver.Url("portal"))]);
        Assert.Equal(receiver.Url("portal"), added!.Text("endpoint-url-shown"));
        var endpointId = added.Hidden("EndpointId")!;
        var (revealed, _) = await pages.SubmitAsync(added, "/account/callbacks?handler=Reveal", [new("EndpointId", endpointId)]);
        var secret = revealed!.Text("endpoint-secret")!;
        Assert.Matches("^whsec_[A-Za-z0-9+/=]{32}$", secret);
        var (rotated, _) = await pages.SubmitAsync(revealed, "/account/callbacks?handler=Rotate", [new("EndpointId", endpointId)]);
        var newSecret = rotated!.Text("endpoint-secret")!;
        Assert.NotEqual(secret, newSecret);

        var payee = await server.AccountOfEmailAsync(email);
        var payer = await server.NewUserAsync(sats: 1_000);
        await server.PayAsync(payer, payee.BtcWalletId, 42);
        var delivered = await receiver.NextAsync();
        CallbackCalls.AssertSigned(delivered, newSecret);
        await CallbackCalls.WaitUntilAsync(async () => (await server.DeliveriesAsync(Guid.Parse(endpointId)))[0].Status == CallbackDelivery.Delivered);

        var (listed, _) = await pages.GoAsync("/account/callbacks");
        Assert.Equal("· delivered", listed!.Text("delivery-status"));
        Assert.Equal("200", listed.Text("delivery-code"));
        var (resent, _) = await pages.SubmitAsync(listed, "/account/callbacks?handler=Resend", [new("DeliveryId", listed.Hidden("DeliveryId")!)]);
        Assert.Equal("The delivery will be sent again in a moment.", resent!.Text("notice"));
        var again = await receiver.NextAsync();
        Assert.Equal(delivered.Id, again.Id);

        // Another user's portal shows none of it.
        using var stranger = new LoginPages(server);
        var strangerEmail = LoginRules.NewEmail();
        var (strangerLogin, _) = await stranger.GoAsync("/login");
        var (strangerCode, _) = await stranger.SubmitAsync(strangerLogin!, "/login", [new("Email", strangerEmail), new("Action", "next")]);
        await stranger.SubmitAsync(strangerCode!, "/login/code", [new("Code", await stranger.LastCodeAsync(strangerEmail))]);
        var (theirs, _) = await stranger.GoAsync("/account/callbacks");
        Assert.True(theirs!.Has("no-endpoints"));
        var (probed, _) = await stranger.SubmitAsync(theirs, "/account/callbacks?handler=Reveal", [new("EndpointId", endpointId)]);
        Assert.False(probed!.Has("endpoint-secret"));
    }

    [Fact]
    public async Task The_portal_needs_a_signed_in_user()
    {
        using var pages = new LoginPages(server);

        var (page, _) = await pages.GoAsync("/account/callbacks");

        Assert.Equal("/login", page!.Path);
    }

    [Fact]
    public async Task A_deleted_endpoint_takes_its_deliveries_and_gets_no_more()
    {
        var payer = await server.NewUserAsync(sats: 1_000);
        var payee = await server.NewUserAsync();
        var endpoint = await server.AddAcceptedEndpointAsync(payee.Token, "http://127.0.0.1:9/gone");
        await server.PayAsync(payer, payee.BtcWalletId, 10);
        Assert.Single(await server.DeliveriesAsync(endpoint));

        await server.DeleteEndpointAsync(payee.Token, endpoint.ToString("D"));
        await server.PayAsync(payer, payee.BtcWalletId, 10);

        Assert.Empty(await server.DeliveriesAsync(endpoint));
    }
}

public sealed class SqliteCallbackDeliveryTests(SqliteCallbackServerFixture server) : CallbackDeliveryTests<SqliteCallbackServerFixture>(server);

public sealed class PostgresCallbackDeliveryTests(PostgresCallbackServerFixture server) : CallbackDeliveryTests<PostgresCallbackServerFixture>(server);
