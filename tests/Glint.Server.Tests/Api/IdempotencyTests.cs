using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Api;

/// <summary><c>X-Idempotency-Key</c>: a retry with the same key returns the first payment and never pays twice; a malformed key is a 400.</summary>
public abstract class IdempotencyTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Send = """
        mutation Send($input: IntraLedgerPaymentSendInput!) {
          intraLedgerPaymentSend(input: $input) { status errors { code message } transaction { id settlementAmount } }
        }
        """;

    private const string Balance = "query { me { defaultAccount { wallets { walletCurrency balance } } } }";

    [Fact]
    public async Task SameKeyTwice_PaysOnceAndReturnsTheFirstPayment()
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();
        var key = Guid.NewGuid().ToString();
        var input = new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 1_000 } };

        var first = (await server.DataAsync(alice.Token, Send, input, idempotencyKey: key))["intraLedgerPaymentSend"]!;
        var retry = (await server.DataAsync(alice.Token, Send, input, idempotencyKey: key))["intraLedgerPaymentSend"]!;

        Assert.Equal("SUCCESS", first["status"].Str());
        Assert.Equal("SUCCESS", retry["status"].Str());
        Assert.Equal(first["transaction"]!["id"].Str(), retry["transaction"]!["id"].Str());
        Assert.Equal(-1_000, retry["transaction"]!["settlementAmount"].Number());
        Assert.Equal(9_000, await BtcBalanceAsync(alice));
        Assert.Equal(1_000, await BtcBalanceAsync(bob));
    }

    [Fact]
    public async Task SameKeyInParallel_PaysOnce()
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();
        var key = Guid.NewGuid().ToString();
        var input = new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 700 } };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => server.DataAsync(alice.Token, Send, input, idempotencyKey: key)));

        Assert.All(results, result => Assert.Equal("SUCCESS", result["intraLedgerPaymentSend"]!["status"].Str()));
        Assert.Single(results.Select(result => result["intraLedgerPaymentSend"]!["transaction"]!["id"].Str()).Distinct());
        Assert.Equal(9_300, await BtcBalanceAsync(alice));
    }

    [Fact]
    public async Task DifferentKeys_PayEachTime()
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();
        var input = new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 1_000 } };

        await server.DataAsync(alice.Token, Send, input, idempotencyKey: Guid.NewGuid().ToString());
        await server.DataAsync(alice.Token, Send, input, idempotencyKey: Guid.NewGuid().ToString());
        await server.DataAsync(alice.Token, Send, input);

        Assert.Equal(7_000, await BtcBalanceAsync(alice));
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("0000000000000000000000000000000")]
    [InlineData("6f9619ff-8b86-d011-b42d-00c04fc964ff")]
    public async Task MalformedKey_Is400BeforeAnythingRuns(string key)
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();

        using var response = await server.PostGraphQLAsync(alice.Token, Send,
            new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 1_000 } }, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"error":"X-Idempotency-Key header must be a UUID-v4"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(10_000, await BtcBalanceAsync(alice));
    }

    /// <summary>Two keys in one header (<c>a, b</c>, as HTTP joins repeated headers) are not a UUID.</summary>
    [Fact]
    public async Task TwoKeys_Is400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = HydraJsonContent("""{"query":"{ globals { network } }"}""") };
        request.Headers.TryAddWithoutValidation("X-Idempotency-Key", [Guid.NewGuid().ToString(), Guid.NewGuid().ToString()]);

        using var response = await server.Public.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("X-Idempotency-Key header must be a UUID-v4", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"].Str());
    }

    private static StringContent HydraJsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private async Task<long> BtcBalanceAsync(ApiUser user)
    {
        var wallets = (await server.DataAsync(user.Token, Balance))["me"]!["defaultAccount"]!["wallets"]!.AsArray();
        return wallets.Single(w => w!["walletCurrency"].Str() == "BTC")!["balance"].Number();
    }
}

public sealed class SqliteIdempotencyTests(SqliteServerFixture server) : IdempotencyTests<SqliteServerFixture>(server);

public sealed class PostgresIdempotencyTests(PostgresServerFixture server) : IdempotencyTests<PostgresServerFixture>(server);
