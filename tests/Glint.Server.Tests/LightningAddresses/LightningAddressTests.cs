using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Lightning.Bolt11;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Lightning;
using Glint.Wallets.Journal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.LightningAddresses;

/// <summary>
/// Lightning addresses end to end: the LUD-06/16 pay request and its callback's invoice (amount bounds, comment,
/// unknown users, a USD default wallet), and <c>lnAddressPaymentSend</c> / <c>lnurlPaymentSend</c>: settled in the
/// ledger without any HTTP request for this server's domain and aliases, and for a foreign LNURL service (a loopback
/// server of the test's own) checked before the Lightning connector answers that there is no route.
/// The configured price is the default $100,000 per bitcoin (1 cent = 10 sats).
/// </summary>
public abstract class LightningAddressTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : LightningAddressServerFixture
{
    private const string Send = """
        mutation($input: LnAddressPaymentSendInput!) { lnAddressPaymentSend(input: $input) {
          errors { code message } status
          transaction { settlementAmount memo initiationVia { __typename ... on InitiationViaIntraLedger { counterPartyUsername counterPartyWalletId } } } } }
        """;

    private const string SendLnurl = """
        mutation($input: LnurlPaymentSendInput!) { lnurlPaymentSend(input: $input) { errors { code message } status transaction { settlementAmount } } }
        """;

    [Fact]
    public async Task PayRequest_AnswersLud06_WithTheIdentifierAndCommentLength()
    {
        var alice = await server.NewUserAsync();
        var key = alice.Username!.ToLowerInvariant();

        var request = await GetJsonAsync($"/.well-known/lnurlp/{alice.Username!.ToUpperInvariant()}");

        Assert.Equal("payRequest", request["tag"].Str());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/lnurlp/{key}/callback", request["callback"].Str());
        Assert.Equal(1000, request["minSendable"].Number());
        Assert.Equal(1_000_000_000_000, request["maxSendable"].Number());
        Assert.Equal(255, request["commentAllowed"].Number());
        var metadata = JsonNode.Parse(request["metadata"].Str())!.AsArray();
        Assert.Equal(["text/plain", $"Payment to {key}"], metadata[0]!.AsArray().Select(item => item.Str()));
        Assert.Equal(["text/identifier", $"{key}@{server.Domain}"], metadata[1]!.AsArray().Select(item => item.Str()));
    }

    [Fact]
    public async Task UnknownUser_GetsLudsError_FromBothEndpoints()
    {
        var request = await GetJsonAsync("/.well-known/lnurlp/nobody_at_all");
        var callback = await GetJsonAsync("/lnurlp/nobody_at_all/callback?amount=1000");

        Assert.Equal("ERROR", request["status"].Str());
        Assert.Equal("No user is called nobody_at_all here.", request["reason"].Str());
        Assert.Null(request["tag"]);
        Assert.Equal("ERROR", callback["status"].Str());
        Assert.Null(callback["pr"]);
    }

    [Fact]
    public async Task Callback_IssuesAnInvoiceCommittingToTheMetadata_AndTheCommentBecomesTheMemo()
    {
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync(sats: 50_000);
        var metadata = (await GetJsonAsync($"/.well-known/lnurlp/{alice.Username}"))["metadata"].Str();

        var answer = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=21000&comment={Uri.EscapeDataString("merci ☕")}");

        Assert.Empty(answer["routes"]!.AsArray());
        var invoice = Bolt11Parser.Parse(answer["pr"].Str());
        Assert.Equal(21_000, invoice.AmountMsat);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(metadata))), invoice.DescriptionHash);
        Assert.Null(invoice.Description);

        var paid = await server.PayAsync(bob.Token, bob.BtcWalletId, answer["pr"].Str());
        Assert.Equal("SUCCESS", paid["status"].Str());
        Assert.Equal(21, await server.BalanceAsync(alice.BtcWalletId));
        var received = (await server.DataAsync(alice.Token, "query { me { defaultAccount { transactions(first: 1) { edges { node { memo settlementAmount } } } } } }"))
            ["me"]!["defaultAccount"]!["transactions"]!["edges"]![0]!["node"]!;
        Assert.Equal("merci ☕", received["memo"].Str());
        Assert.Equal(21, received["settlementAmount"].Number());
    }

    [Theory]
    [InlineData("", "amount is required: a whole number of millisatoshis.")]
    [InlineData("amount=abc", "amount is required: a whole number of millisatoshis.")]
    [InlineData("amount=999", "amount must be between 1000 and 1000000000000 millisatoshis.")]
    [InlineData("amount=1000000000001000", "amount must be between 1000 and 1000000000000 millisatoshis.")]
    [InlineData("amount=1500", "amount must be a whole number of sats (a multiple of 1000 millisatoshis).")]
    public async Task Callback_RefusesAmountsOutsideTheBoundsOrNotWholeSats(string query, string reason)
    {
        var alice = await server.NewUserAsync();

        var answer = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?{query}");

        Assert.Equal("ERROR", answer["status"].Str());
        Assert.Equal(reason, answer["reason"].Str());
        await AssertNoInvoicesAsync(alice.AccountId);
    }

    [Fact]
    public async Task Callback_RefusesACommentLongerThanAllowed()
    {
        var alice = await server.NewUserAsync();

        var answer = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=5000&comment={new string('x', 256)}");
        var longest = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=5000&comment={new string('x', 255)}");
        var control = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=5000&comment=a%07b");

        Assert.Equal("comment must be at most 255 characters.", answer["reason"].Str());
        Assert.Equal("comment must not contain control characters.", control["reason"].Str());
        Assert.NotNull(longest["pr"]);
    }

    [Fact]
    public async Task Callback_CountsACommentInCharacters_NotInUtf16Units()
    {
        var alice = await server.NewUserAsync();
        // Each takes two UTF-16 units: 255 of them are 510 units, and still 255 characters.
        var longest = string.Concat(Enumerable.Repeat("\U0001F600", 255));

        var accepted = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=5000&comment={Uri.EscapeDataString(longest)}");
        var refused = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=5000&comment={Uri.EscapeDataString(longest + "\U0001F600")}");

        Assert.NotNull(accepted["pr"]);
        Assert.Equal("ERROR", refused["status"].Str());
        Assert.Equal("comment must be at most 255 characters.", refused["reason"].Str());
        await using var scope = server.Services.CreateAsyncScope();
        var memos = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().LightningInvoices.AsNoTracking()
            .Where(invoice => invoice.AccountId == alice.AccountId).Select(invoice => invoice.Memo).ToListAsync();
        Assert.Equal([longest], memos);
    }

    [Theory]
    [InlineData("/lnurlp/{0}/callback?amount=5000&comment=a%00b")]
    [InlineData("/.well-known/lnurlp/{0}?x=%00")]
    public async Task ARequestRefusedBeforeTheEndpoint_GetsLnurlsError(string path)
    {
        var alice = await server.NewUserAsync();

        using var response = await server.Public.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, alice.Username));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERROR", body["status"].Str());
        Assert.Contains("NUL", body["reason"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsdDefaultWallet_GetsAnInvoiceInSats_CreditedInCentsAtThePrice()
    {
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync(sats: 50_000);
        await server.DataAsync(alice.Token, "mutation($input: AccountUpdateDefaultWalletIdInput!) { accountUpdateDefaultWalletId(input: $input) { errors { message } } }",
            new { input = new { walletId = alice.UsdWalletId } });

        var request = await GetJsonAsync($"/.well-known/lnurlp/{alice.Username}");
        var tooSmall = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=9000");
        var answer = await GetJsonAsync($"/lnurlp/{alice.Username}/callback?amount=5505000");

        Assert.Equal(10_000, request["minSendable"].Number());
        Assert.Equal("amount must be between 10000 and 1000000000000 millisatoshis.", tooSmall["reason"].Str());
        Assert.Equal(5_505_000, Bolt11Parser.Parse(answer["pr"].Str()).AmountMsat);
        var paid = await server.PayAsync(bob.Token, bob.BtcWalletId, answer["pr"].Str());
        Assert.Equal("SUCCESS", paid["status"].Str());
        Assert.Equal(550, await server.BalanceAsync(alice.UsdWalletId));
        Assert.Equal(50_000 - 5_505, await server.BalanceAsync(bob.BtcWalletId));
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task Globals_ShowTheIssuersHostAndTheAliases()
    {
        var globals = (await server.DataAsync(null, "query { globals { lightningAddressDomain lightningAddressDomainAliases } }"))["globals"]!;

        Assert.Equal(server.Domain, globals["lightningAddressDomain"].Str());
        Assert.Equal([LightningAddressServerFixture.Alias, "tips.example"], globals["lightningAddressDomainAliases"]!.AsArray().Select(alias => alias.Str()));
    }

    [Fact]
    public async Task LnAddressPaymentSend_ToThisServer_SettlesInTheLedger_WithoutAnyHttpRequest()
    {
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync(sats: 10_000);
        var fetches = server.Fetches;
        var address = $"{alice.Username!.ToUpperInvariant()}@{server.Domain}";

        var sent = await SendAsync(bob, address, 1_500);

        Assert.Equal("SUCCESS", sent["status"].Str());
        Assert.Empty(sent["errors"]!.AsArray());
        var transaction = sent["transaction"]!;
        Assert.Equal(-1_500, transaction["settlementAmount"].Number());
        Assert.Equal("InitiationViaIntraLedger", transaction["initiationVia"]!["__typename"].Str());
        Assert.Equal(alice.Username, transaction["initiationVia"]!["counterPartyUsername"].Str());
        Assert.Equal(alice.BtcWalletId.ToString(), transaction["initiationVia"]!["counterPartyWalletId"].Str());
        Assert.Equal(server.Fetches, fetches);
        Assert.Equal(1_500, await server.BalanceAsync(alice.BtcWalletId));
        Assert.Equal(8_500, await server.BalanceAsync(bob.BtcWalletId));
        Assert.Equal(address, (await LastEntryDetailsAsync(bob.AccountId)).Lnurl);
        await server.AssertLedgerValidAsync();
    }

    [Fact]
    public async Task LnurlPaymentSend_ToThisServersLnurlOrAnAlias_SettlesInTheLedger_WithoutAnyHttpRequest()
    {
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync(sats: 10_000);
        var fetches = server.Fetches;

        var byLnurl = await SendLnurlAsync(bob, Lnurls.Encode($"http://{server.Domain}/.well-known/lnurlp/{alice.Username}"), 700);
        var byAlias = await SendAsync(bob, $"{alice.Username}@Pay.Example", 300);
        var byOtherAlias = await SendLnurlAsync(bob, $"lightning:{alice.Username}@tips.example", 200);

        Assert.Equal("SUCCESS", byLnurl["status"].Str());
        Assert.Equal("SUCCESS", byAlias["status"].Str());
        Assert.Equal("SUCCESS", byOtherAlias["status"].Str());
        Assert.Equal(server.Fetches, fetches);
        Assert.Equal(1_200, await server.BalanceAsync(alice.BtcWalletId));
    }

    [Fact]
    public async Task LnAddressPaymentSend_ToAUsdDefaultWallet_ConvertsAtThePrice()
    {
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync(sats: 10_000);
        await server.DataAsync(alice.Token, "mutation($input: AccountUpdateDefaultWalletIdInput!) { accountUpdateDefaultWalletId(input: $input) { errors { message } } }",
            new { input = new { walletId = alice.UsdWalletId } });

        var sent = await SendAsync(bob, $"{alice.Username}@{server.Domain}", 3_000);

        Assert.Equal("SUCCESS", sent["status"].Str());
        Assert.Equal(300, await server.BalanceAsync(alice.UsdWalletId));
        Assert.Equal(7_000, await server.BalanceAsync(bob.BtcWalletId));
    }

    [Fact]
    public async Task LnAddressPaymentSend_Refusals_MoveNothing()
    {
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync(sats: 1_000, cents: 1_000);
        var address = $"{alice.Username}@{server.Domain}";

        var unknown = await SendAsync(bob, $"nobody_at_all@{server.Domain}", 100);
        var notAnAddress = await SendAsync(bob, "alice at example", 100);
        var tooLong = await SendAsync(bob, $"lnurlp://{server.Domain}/.well-known/lnurlp/{new string('a', 2100)}", 100);
        var tooMuch = await SendAsync(bob, address, 1_001);
        var zero = await SendAsync(bob, address, 0);
        var usdWallet = await SendAsync(bob, address, 100, bob.UsdWalletId);
        var othersWallet = await SendAsync(bob, address, 100, alice.BtcWalletId);

        Assert.Equal(("LNURL_REQUEST_INVOICE_ERROR", $"No user is called nobody_at_all at {server.Domain}."), Error(unknown));
        Assert.Equal(("LNURL_REQUEST_INVOICE_ERROR", "lnAddress must be a Lightning address (user@domain), an LNURL (lnurl1…) or an lnurlp:// URL."), Error(notAnAddress));
        Assert.Equal(("LNURL_REQUEST_INVOICE_ERROR", "lnAddress must be at most 2048 characters."), Error(tooLong));
        Assert.Equal(("INSUFFICIENT_BALANCE", "Payment amount exceeds balance."), Error(tooMuch));
        Assert.Equal("INVALID_INPUT", Error(zero).Code);
        Assert.Equal(("INVALID_INPUT", "Lightning addresses and LNURLs are paid in sats from a BTC wallet."), Error(usdWallet));
        Assert.Equal(("INVALID_INPUT", "Invalid walletId for account."), Error(othersWallet));
        Assert.All(new[] { unknown, notAnAddress, tooMuch, zero, usdWallet, othersWallet }, outcome => Assert.Equal("FAILURE", outcome["status"].Str()));
        Assert.Equal(1_000, await server.BalanceAsync(bob.BtcWalletId));
        Assert.Equal(0, await server.BalanceAsync(alice.BtcWalletId));
    }

    [Fact]
    public async Task LnurlPaymentSend_ToAForeignService_IsCheckedThenReachesTheConnectorsNoRouteError()
    {
        await using var foreign = await ForeignLnurlService.StartAsync();
        var bob = await server.NewUserAsync(sats: 10_000);
        var fetches = server.Fetches;

        var byLnurl = await SendLnurlAsync(bob, Lnurls.Encode(foreign.PayRequestUrl("carol")), 2_000);
        var byAddress = await SendAsync(bob, $"carol@{foreign.Domain}", 2_000);

        Assert.Equal(("ROUTE_FINDING_ERROR", "No route to external Lightning network configured: only invoices issued by this server can be paid."), Error(byLnurl));
        Assert.Equal("FAILURE", byLnurl["status"].Str());
        Assert.Equal("ROUTE_FINDING_ERROR", Error(byAddress).Code);
        Assert.Equal(2, foreign.PayRequests);
        Assert.Equal(2, foreign.Callbacks);
        Assert.Equal(fetches + 4, server.Fetches);
        Assert.Equal(10_000, await server.BalanceAsync(bob.BtcWalletId));
    }

    [Theory]
    [InlineData(ForeignInvoice.WrongAmount, "The LNURL service returned an invoice for 2001000 millisatoshis, not the 2000000 asked for.")]
    [InlineData(ForeignInvoice.WrongDescriptionHash, "The LNURL service returned an invoice whose description hash is not the SHA-256 of its metadata.")]
    public async Task LnurlPaymentSend_ASpoiledForeignInvoice_IsRefusedBeforeAnyPayment(ForeignInvoice spoiled, string message)
    {
        await using var foreign = await ForeignLnurlService.StartAsync();
        foreign.Invoices = spoiled;
        var bob = await server.NewUserAsync(sats: 10_000);

        var sent = await SendLnurlAsync(bob, Lnurls.Encode(foreign.PayRequestUrl("carol")), 2_000);

        Assert.Equal(("LNURL_REQUEST_INVOICE_ERROR", message), Error(sent));
        Assert.Equal("FAILURE", sent["status"].Str());
        Assert.Equal(1, foreign.Callbacks);
        Assert.Equal(10_000, await server.BalanceAsync(bob.BtcWalletId));
    }

    [Fact]
    public async Task LnurlPaymentSend_AnAmountOutsideTheForeignBounds_IsRefusedWithoutAskingForAnInvoice()
    {
        await using var foreign = await ForeignLnurlService.StartAsync();
        foreign.MinSendable = 10_000;
        foreign.MaxSendable = 50_000;
        var bob = await server.NewUserAsync(sats: 10_000);

        var tooLittle = await SendLnurlAsync(bob, Lnurls.Encode(foreign.PayRequestUrl("carol")), 5);
        var tooMuch = await SendAsync(bob, $"carol@{foreign.Domain}", 51);

        Assert.Equal(("LNURL_REQUEST_INVOICE_ERROR", "The amount must be between 10 and 50 sats for this LNURL."), Error(tooLittle));
        Assert.Equal(("LNURL_REQUEST_INVOICE_ERROR", "The amount must be between 10 and 50 sats for this LNURL."), Error(tooMuch));
        Assert.Equal(2, foreign.PayRequests);
        Assert.Equal(0, foreign.Callbacks);
    }

    [Fact]
    public async Task Sends_NeedTheWriteScope()
    {
        var alice = await server.NewUserAsync();
        var receiver = await server.NewUserAsync(sats: 1_000, grant: ["read", "receive"]);

        var byAddress = await server.GraphQLAsync(receiver.Token, Send, new { input = new { walletId = receiver.BtcWalletId, amount = 10, lnAddress = $"{alice.Username}@{server.Domain}" } });
        var byLnurl = await server.GraphQLAsync(receiver.Token, SendLnurl, new { input = new { walletId = receiver.BtcWalletId, amount = 10, lnurl = $"{alice.Username}@{server.Domain}" } });

        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(byAddress)["code"].Str());
        Assert.Equal("NOT_AUTHORIZED", ApiCalls.SingleError(byLnurl)["code"].Str());
        Assert.Equal(1_000, await server.BalanceAsync(receiver.BtcWalletId));
    }

    private async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await server.Public.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<JsonObject> SendAsync(ApiUser payer, string address, long sats, Guid? walletId = null) =>
        (await server.DataAsync(payer.Token, Send, new { input = new { walletId = walletId ?? payer.BtcWalletId, amount = sats, lnAddress = address } }))
            ["lnAddressPaymentSend"]!.AsObject();

    private async Task<JsonObject> SendLnurlAsync(ApiUser payer, string lnurl, long sats) =>
        (await server.DataAsync(payer.Token, SendLnurl, new { input = new { walletId = payer.BtcWalletId, amount = sats, lnurl } }))["lnurlPaymentSend"]!.AsObject();

    private static (string Code, string Message) Error(JsonObject payload)
    {
        var errors = payload["errors"]!.AsArray();
        Assert.True(errors.Count == 1, payload.ToJsonString());
        return (errors[0]!["code"].Str(), errors[0]!["message"].Str());
    }

    private async Task<EntryDetails> LastEntryDetailsAsync(Guid initiator)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().JournalEntries.AsNoTracking()
            .Where(entry => entry.InitiatorAccountId == initiator).ToListAsync();
        return EntryDetails.Parse(entries.OrderByDescending(entry => entry.CreatedAt).First().Details);
    }

    private async Task AssertNoInvoicesAsync(Guid accountId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<GlintDbContext>().LightningInvoices.AnyAsync(invoice => invoice.AccountId == accountId));
    }
}

/// <summary>
/// Without <c>webhooks.allow_private_targets</c> (the default), LNURL services are reached only over https and only on
/// public addresses, the address connected to checked as for callbacks; this server's own addresses still settle.
/// </summary>
public abstract class LnurlTargetRuleTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task LoopbackServices_AreNeverReached_ButOwnAddressesStillSettle()
    {
        await using var foreign = await ForeignLnurlService.StartAsync();
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync(sats: 1_000);
        const string Mutation = "mutation($input: LnurlPaymentSendInput!) { lnurlPaymentSend(input: $input) { errors { code message } status } }";

        var plainHttp = (await server.DataAsync(bob.Token, Mutation, new { input = new { walletId = bob.BtcWalletId, amount = 10, lnurl = Lnurls.Encode(foreign.PayRequestUrl("carol")) } }))["lnurlPaymentSend"]!;
        var loopbackHttps = (await server.DataAsync(bob.Token, Mutation, new { input = new { walletId = bob.BtcWalletId, amount = 10, lnurl = $"lnurlp://{foreign.Domain}/.well-known/lnurlp/carol" } }))["lnurlPaymentSend"]!;
        var own = (await server.DataAsync(bob.Token, Mutation, new { input = new { walletId = bob.BtcWalletId, amount = 10, lnurl = $"{alice.Username}@127.0.0.1:{server.PublicPort}" } }))["lnurlPaymentSend"]!;

        Assert.Equal("127.0.0.1: only https URLs are fetched.", plainHttp["errors"]![0]!["message"].Str());
        Assert.Equal("127.0.0.1 resolves only to addresses this server may not reach.", loopbackHttps["errors"]![0]!["message"].Str());
        Assert.Equal("LNURL_REQUEST_INVOICE_ERROR", loopbackHttps["errors"]![0]!["code"].Str());
        Assert.Equal(0, foreign.PayRequests);
        Assert.Equal("SUCCESS", own["status"].Str());
        Assert.Equal(10, await server.BalanceAsync(alice.BtcWalletId));
    }
}

public sealed class SqliteLnurlTargetRuleTests(SqliteServerFixture server) : LnurlTargetRuleTests<SqliteServerFixture>(server);

public sealed class PostgresLnurlTargetRuleTests(PostgresServerFixture server) : LnurlTargetRuleTests<PostgresServerFixture>(server);

public sealed class SqliteLightningAddressTests(SqliteLightningAddressServerFixture server) : LightningAddressTests<SqliteLightningAddressServerFixture>(server);

public sealed class PostgresLightningAddressTests(PostgresLightningAddressServerFixture server) : LightningAddressTests<PostgresLightningAddressServerFixture>(server);
