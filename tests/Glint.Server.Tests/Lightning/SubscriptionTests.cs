using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Lightning;

/// <summary>Subscriptions over graphql-ws: the PoS watching an invoice, <c>myUpdates</c> for both sides, and the protocol's refusals.</summary>
public abstract class SubscriptionTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    public const string StatusByHash = """
        subscription Status($input: LnInvoicePaymentStatusByHashInput!) { lnInvoicePaymentStatusByHash(input: $input) { errors { message } paymentHash status } }
        """;

    public const string MyUpdates = """
        subscription { myUpdates { errors { message } me { id }
          update { __typename
            ... on LnUpdate { paymentHash status transaction { settlementAmount direction } }
            ... on IntraLedgerUpdate { txNotificationType amount transaction { settlementAmount direction initiationVia { __typename } } } } } }
        """;

    [Fact]
    public async Task PosSubscription_WithoutCredentials_ReceivesPaidWhenAnotherUserPays()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 10_000);
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 4_321);
        await using var pos = await GraphQLWsClient.ConnectAsync(server);
        await pos.SubscribeAsync("status", StatusByHash, new { input = new { paymentHash = invoice["paymentHash"].Str() } });
        await pos.SubscribedAsync();

        var paid = await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());
        var next = await pos.ReceiveAsync("status");
        var complete = await pos.ReceiveAsync("status");

        Assert.Equal("SUCCESS", paid["status"].Str());
        Assert.Equal("next", next["type"].Str());
        Assert.Equal("PAID", next["payload"]!["data"]!["lnInvoicePaymentStatusByHash"]!["status"].Str());
        Assert.Equal(invoice["paymentHash"].Str(), next["payload"]!["data"]!["lnInvoicePaymentStatusByHash"]!["paymentHash"].Str());
        Assert.Equal("complete", complete["type"].Str());
    }

    [Fact]
    public async Task StatusSubscription_OfAPaidInvoice_AnswersAtOnce()
    {
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 10_000);
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 10);
        await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());
        await using var pos = await GraphQLWsClient.ConnectAsync(server);

        await pos.SubscribeAsync("1", """
            subscription($input: LnInvoicePaymentStatusInput!) { lnInvoicePaymentStatus(input: $input) { errors { message } status } }
            """, new { input = new { paymentRequest = invoice["paymentRequest"].Str() } });

        Assert.Equal("PAID", (await pos.ReceiveAsync("1"))["payload"]!["data"]!["lnInvoicePaymentStatus"]!["status"].Str());
    }

    [Fact]
    public async Task MyUpdates_ReachThePayeeAndThePayer()
    {
        var merchant = await server.NewUserAsync(grant: ["read"]);
        var payer = await server.NewUserAsync(sats: 10_000, grant: ["read", "write"]);
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 2_000);
        await using var merchantSocket = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { ["Oauth2-Token"] = merchant.Token });
        await using var payerSocket = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { ["Authorization"] = "Bearer " + payer.Token });
        await merchantSocket.SubscribeAsync("me", MyUpdates);
        await payerSocket.SubscribeAsync("me", MyUpdates);
        await merchantSocket.SubscribedAsync();
        await payerSocket.SubscribedAsync();
        // The merchant hears of a new invoice of theirs, with nothing to show as an update yet.
        await server.CreateForRecipientAsync(merchant.BtcWalletId, 1);
        var created = (await merchantSocket.ReceiveAsync("me"))["payload"]!["data"]!["myUpdates"]!;
        Assert.Equal(merchant.UserId.ToString(), created["me"]!["id"].Str());
        Assert.Null(created["update"]);

        await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());
        var received = (await merchantSocket.ReceiveAsync("me", m => Update(m)?["__typename"]?.GetValue<string>() == "LnUpdate"))["payload"]!["data"]!["myUpdates"]!;
        var sent = (await payerSocket.ReceiveAsync("me", m => Update(m) is not null))["payload"]!["data"]!["myUpdates"]!;

        Assert.Equal(merchant.UserId.ToString(), received["me"]!["id"].Str());
        Assert.Equal(invoice["paymentHash"].Str(), received["update"]!["paymentHash"].Str());
        Assert.Equal("PAID", received["update"]!["status"].Str());
        Assert.Equal(2_000, received["update"]!["transaction"]!["settlementAmount"].Number());
        Assert.Equal(payer.UserId.ToString(), sent["me"]!["id"].Str());
        Assert.Equal("IntraLedgerPayment", sent["update"]!["txNotificationType"].Str());
        Assert.Equal(-2_000, sent["update"]!["transaction"]!["settlementAmount"].Number());
        Assert.Equal("InitiationViaLn", sent["update"]!["transaction"]!["initiationVia"]!["__typename"].Str());
    }

    [Fact]
    public async Task MyUpdates_WithAnApiKeyInConnectionParams_ReachesItsOwner()
    {
        var owner = await server.NewUserAsync(grant: ["read", "write"]);
        var payer = await server.NewUserAsync(sats: 1_000);
        var secret = (await server.DataAsync(owner.Token, """mutation { apiKeyCreate(input: {name: "ws", scopes: [READ]}) { apiKeySecret } }"""))["apiKeyCreate"]!["apiKeySecret"].Str();
        await using var socket = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { ["X-API-KEY"] = secret });
        await socket.SubscribeAsync("me", MyUpdates);
        await socket.SubscribedAsync();

        var paid = await server.DataAsync(payer.Token, """
            mutation($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status } }
            """, new { input = new { walletId = payer.BtcWalletId, recipientWalletId = owner.BtcWalletId, amount = 300 } });
        var update = (await socket.ReceiveAsync("me"))["payload"]!["data"]!["myUpdates"]!;

        Assert.Equal("SUCCESS", paid["intraLedgerPaymentSend"]!["status"].Str());
        Assert.Equal(owner.UserId.ToString(), update["me"]!["id"].Str());
        Assert.Equal("IntraLedgerReceipt", update["update"]!["txNotificationType"].Str());
        Assert.Equal(300, update["update"]!["transaction"]!["settlementAmount"].Number());
    }

    [Fact]
    public async Task MyUpdates_NeverHearOfARefusedPayment_OnlyOfTheOneThatMoved()
    {
        const string Send = """
            mutation($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { errors { code } status } }
            """;
        var payee = await server.NewUserAsync(grant: ["read"]);
        var payer = await server.NewUserAsync(sats: 100, grant: ["read", "write"]);
        await using var payeeSocket = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { ["Oauth2-Token"] = payee.Token });
        await using var payerSocket = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { ["Oauth2-Token"] = payer.Token });
        await payeeSocket.SubscribeAsync("me", MyUpdates);
        await payerSocket.SubscribeAsync("me", MyUpdates);
        await payeeSocket.SubscribedAsync();
        await payerSocket.SubscribedAsync();

        // Twice: the first payment of a wallet reads its parties first, later ones are checked by the write itself.
        var refused = new List<JsonObject>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            refused.Add(await server.DataAsync(payer.Token, Send,
                new { input = new { walletId = payer.BtcWalletId, recipientWalletId = payee.BtcWalletId, amount = 500 } }));
        }

        var paid = await server.DataAsync(payer.Token, Send, new { input = new { walletId = payer.BtcWalletId, recipientWalletId = payee.BtcWalletId, amount = 40 } });
        // The first message each side hears is the payment that moved money: a refused one, had it been published,
        // would have come first (with no transaction to show, as its entry does not exist).
        var received = (await payeeSocket.ReceiveAsync("me"))["payload"]!["data"]!["myUpdates"]!;
        var sent = (await payerSocket.ReceiveAsync("me"))["payload"]!["data"]!["myUpdates"]!;

        Assert.All(refused, answer => Assert.Equal("INSUFFICIENT_BALANCE", answer["intraLedgerPaymentSend"]!["errors"]![0]!["code"].Str()));
        Assert.Equal("SUCCESS", paid["intraLedgerPaymentSend"]!["status"].Str());
        Assert.Equal(40, received["update"]!["transaction"]!["settlementAmount"].Number());
        Assert.Equal(-40, sent["update"]!["transaction"]!["settlementAmount"].Number());
    }

    [Fact]
    public async Task MyUpdates_WithoutCredentials_IsNotAuthenticated_AndWithoutReadIsDenied()
    {
        var writer = await server.NewUserAsync(grant: ["write"]);
        await using var anonymous = await GraphQLWsClient.ConnectAsync(server);
        await using var writeOnly = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { ["Oauth2-Token"] = writer.Token });

        await anonymous.SubscribeAsync("me", MyUpdates);
        await writeOnly.SubscribeAsync("me", MyUpdates);
        var refused = await anonymous.ReceiveAsync("me");
        var denied = await writeOnly.ReceiveAsync("me");

        Assert.Equal("error", refused["type"].Str());
        Assert.Equal("Not Authenticated for subscription", refused["payload"]![0]!["message"].Str());
        Assert.Equal("NOT_AUTHENTICATED", refused["payload"]![0]!["code"].Str());
        Assert.Equal("NOT_AUTHORIZED", denied["payload"]![0]!["code"].Str());
    }

    [Theory]
    [InlineData("glint_at_not-a-token")]
    // A prefix alone is an unknown token too, not a failure that drops the socket without a close frame.
    [InlineData("glint_at_")]
    [InlineData("glint_rt_")]
    public async Task InvalidCredential_ClosesTheConnectionAsForbidden(string token)
    {
        await using var client = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { ["Oauth2-Token"] = token }, expectAck: false);

        Assert.Null(await client.ReceiveOrCloseAsync());
        Assert.Equal((WebSocketCloseStatus)4403, client.CloseStatus);
    }

    [Theory]
    [InlineData("Oauth2-Token", "")]
    [InlineData("X-API-KEY", "")]
    [InlineData("Authorization", "Bearer ")]
    [InlineData("Authorization", "")]
    public async Task EmptyCredential_ClosesTheConnectionAsForbidden_AsOverHttp(string name, string value)
    {
        await using var client = await GraphQLWsClient.ConnectAsync(server, new Dictionary<string, string> { [name] = value }, expectAck: false);

        Assert.Null(await client.ReceiveOrCloseAsync());
        Assert.Equal((WebSocketCloseStatus)4403, client.CloseStatus);
    }

    [Fact]
    public async Task QueriesAndBadDocuments_AreErrorsOfTheirSubscription()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(server);

        await client.SubscribeAsync("q", "query { globals { network } }");
        await client.SubscribeAsync("bad", "subscription { nope }");
        var query = await client.ReceiveAsync("q");
        var bad = await client.ReceiveAsync("bad");

        Assert.Equal("Only subscription operations are supported", query["payload"]![0]!["message"].Str());
        Assert.Equal("error", bad["type"].Str());
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", bad["payload"]![0]!["code"].Str());
    }

    [Fact]
    public async Task SubscribeBeforeInit_ClosesAsUnauthorized()
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.PublicPort}/graphql"), CancellationToken.None);
        await socket.SendAsync("""{"id":"1","type":"subscribe","payload":{"query":"subscription { myUpdates { errors { message } } }"}}"""u8.ToArray(),
            WebSocketMessageType.Text, true, CancellationToken.None);

        var result = await socket.ReceiveAsync(new byte[1024], CancellationToken.None);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal((WebSocketCloseStatus)4401, result.CloseStatus);
    }

    [Theory]
    [InlineData(false, """{"type":"connection_init","payload":{"Authorization":"Bearer \ud800"}}""")]
    [InlineData(true, """{"id":"1","type":"subscribe","payload":{"query":"subscription($h: PaymentHash!) { lnInvoicePaymentStatusByHash(input: {paymentHash: $h}) { status } }","variables":{"h":"\udc00"}}}""")]
    [InlineData(true, """{"id":"\ud83d","type":"subscribe","payload":{"query":"subscription { price(input: {amount: 1, amountCurrencyUnit: BTCSAT, priceCurrencyUnit: USDCENT}) { errors { message } } }"}}""")]
    public async Task AMessageEscapingAnUnpairedSurrogate_ClosesAsInvalid(bool initialised, string message)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.PublicPort}/graphql"), CancellationToken.None);
        var buffer = new byte[4096];
        if (initialised)
        {
            await socket.SendAsync("""{"type":"connection_init","payload":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Equal(WebSocketMessageType.Text, (await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType);
        }

        await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal((WebSocketCloseStatus)4400, result.CloseStatus);
        Assert.Equal("Invalid message received", result.CloseStatusDescription);
    }

    private static JsonNode? Update(JsonObject message) => message["payload"]?["data"]?["myUpdates"]?["update"];
}

public sealed class SqliteSubscriptionTests(SqliteServerFixture server) : SubscriptionTests<SqliteServerFixture>(server);

public sealed class PostgresSubscriptionTests(PostgresServerFixture server) : SubscriptionTests<PostgresServerFixture>(server);

/// <summary>Two nodes on one PostgreSQL database: a subscriber on one hears a payment made on the other (LISTEN/NOTIFY).</summary>
public sealed class PostgresCrossNodeSubscriptionTests(PostgresServerFixture server) : IClassFixture<PostgresServerFixture>
{
    private sealed class SecondNode(string dsn) : GlintServerFixture
    {
        protected override Task<string> CreateDatabaseAsync() => Task.FromResult(dsn);
    }

    [Fact]
    public async Task PaymentOnOneNode_ReachesASubscriberOnAnother()
    {
        await using var other = new SecondNode(server.Dsn);
        await other.InitializeAsync();
        var merchant = await server.NewUserAsync();
        var payer = await server.NewUserAsync(sats: 10_000);
        var invoice = await server.CreateForRecipientAsync(merchant.BtcWalletId, 999);
        await using var pos = await GraphQLWsClient.ConnectAsync(other);
        await pos.SubscribeAsync("status", SubscriptionTests<PostgresServerFixture>.StatusByHash, new { input = new { paymentHash = invoice["paymentHash"].Str() } });
        await pos.SubscribedAsync();

        await server.PayAsync(payer.Token, payer.BtcWalletId, invoice["paymentRequest"].Str());

        Assert.Equal("PAID", (await pos.ReceiveAsync("status"))["payload"]!["data"]!["lnInvoicePaymentStatusByHash"]!["status"].Str());
    }
}
