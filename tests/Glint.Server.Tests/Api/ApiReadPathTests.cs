using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// What the lean read path must keep: an operation is validated once, but who may run it, its variables and the
/// complexity that depends on them are decided on every request; and the account's wallets, read with the account in
/// one round trip, are never older than the request.
/// </summary>
public abstract class ApiReadPathTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string ReadDenied = "Not authorized: this needs the read scope (AuthorizationError: not authorized to read data)";
    private const string WriteDenied = "Not authorized: this needs the write scope (AuthorizationError: not authorized to execute mutations)";

    [Fact]
    public async Task SameDocument_ValidatedForOneCaller_IsStillCheckedForTheNext()
    {
        var reader = await server.NewUserAsync(sats: 500, grant: ["read"]);
        var writer = await server.NewUserAsync(grant: ["write"]);
        var receiver = await server.NewUserAsync(grant: ["receive"]);
        // A document no other test sends, so that the reader's request is the one that validates it.
        var query = $"query Balances{Unique()} {{ me {{ defaultAccount {{ wallets {{ id balance }} }} }} }}";

        var read = await server.DataAsync(reader.Token, query);
        var denied = await server.GraphQLAsync(writer.Token, query);
        var deniedAgain = await server.GraphQLAsync(receiver.Token, query);
        var anonymous = await server.GraphQLAsync(null, query);
        var readAgain = await server.DataAsync(reader.Token, query);

        Assert.Equal(500, read["me"]!["defaultAccount"]!["wallets"]![0]!["balance"].Number());
        Assert.Equal(ReadDenied, SingleError(denied)["message"].Str());
        Assert.Null(denied["data"]!["me"]);
        Assert.Equal(ReadDenied, SingleError(deniedAgain)["message"].Str());
        Assert.Equal("NOT_AUTHORIZED", SingleError(anonymous)["code"].Str());
        Assert.Equal(500, readAgain["me"]!["defaultAccount"]!["wallets"]![0]!["balance"].Number());
    }

    [Fact]
    public async Task SameMutation_ValidatedForOneCaller_IsStillCheckedForTheNext()
    {
        var writer = await server.NewUserAsync(grant: ["write"]);
        var reader = await server.NewUserAsync(grant: ["read"]);
        var mutation = $$"""mutation Language{{Unique()}} { userUpdateLanguage(input: {language: "fr"}) { errors { message } user { language } } }""";

        var written = await server.DataAsync(writer.Token, mutation);
        var refused = await server.GraphQLAsync(reader.Token, mutation);

        Assert.Equal("fr", written["userUpdateLanguage"]!["user"]!["language"].Str());
        Assert.Equal(WriteDenied, SingleError(refused)["message"].Str());
        Assert.Null(refused["data"]);
        Assert.Equal("", (await server.DataAsync(reader.Token, "query { me { language } }"))["me"]!["language"].Str());
    }

    [Fact]
    public async Task VariablesAreCheckedOnEveryRequest_OfAValidatedDocument()
    {
        var user = await server.NewUserAsync(sats: 100);
        var query = $"query Wallet{Unique()}($id: WalletId!) {{ me {{ defaultAccount {{ walletById(walletId: $id) {{ id }} }} }} }}";

        var found = await server.DataAsync(user.Token, query, new { id = user.BtcWalletId });
        var missing = await RefusedAsync(user.Token, query, new { });
        var wrongType = await RefusedAsync(user.Token, query, new { id = 12 });

        Assert.Equal(user.BtcWalletId.ToString("D"), found["me"]!["defaultAccount"]!["walletById"]!["id"].Str());
        Assert.Contains("$id", SingleError(missing)["message"].Str(), StringComparison.Ordinal);
        Assert.Null(missing["data"]);
        Assert.Contains("$id", SingleError(wrongType)["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComplexityThatVariablesDecide_IsMeasuredOnEveryRequest()
    {
        // 99 aliases of two fields each cost 198; the included one brings it to the limit.
        var query = new StringBuilder($"query Deep{Unique()}($more: Boolean!) {{");
        for (var i = 0; i < 99; i++)
        {
            query.Append(" g").Append(i).Append(": globals { network }");
        }

        query.Append(" more: globals @include(if: $more) { network } }");

        var allowed = await server.GraphQLAsync(null, query.ToString(), new { more = false });
        var refused = await server.GraphQLAsync(null, query.ToString(), new { more = true });

        Assert.Null(allowed["errors"]);
        Assert.Equal("Query too complex. Value of 200 is over the maximum 200.", SingleError(refused)["message"].Str());
        Assert.Null(refused["data"]);
    }

    [Fact]
    public async Task AnInvalidDocument_StaysInvalid()
    {
        var user = await server.NewUserAsync();
        var query = $"query Unknown{Unique()} {{ me {{ noSuchField }} }}";

        var first = await RefusedAsync(user.Token, query);
        var second = await RefusedAsync(user.Token, query);

        Assert.Equal("GRAPHQL_VALIDATION_FAILED", SingleError(first)["code"].Str());
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", SingleError(second)["code"].Str());
        Assert.Null(second["data"]);
    }

    [Fact]
    public async Task Me_ShowsTheBalancesAfterEachPayment()
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();
        const string Balances = "query { me { defaultAccount { wallets { id walletCurrency balance } } } }";

        var before = Wallets(await server.DataAsync(alice.Token, Balances));
        var bobBefore = Wallets(await server.DataAsync(bob.Token, Balances));
        for (var paid = 1; paid <= 3; paid++)
        {
            var sent = await server.DataAsync(alice.Token, BlinkOperations.IntraLedgerBtcPaymentSend,
                new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 100 } });
            Assert.Equal("SUCCESS", sent["intraLedgerPaymentSend"]!["status"].Str());

            Assert.Equal(10_000 - (100 * paid), Wallets(await server.DataAsync(alice.Token, Balances))[alice.BtcWalletId.ToString("D")]);
            Assert.Equal(100 * paid, Wallets(await server.DataAsync(bob.Token, Balances))[bob.BtcWalletId.ToString("D")]);
        }

        Assert.Equal(10_000, before[alice.BtcWalletId.ToString("D")]);
        Assert.Equal(0, bobBefore[bob.BtcWalletId.ToString("D")]);
    }

    [Fact]
    public async Task Me_ListsTheBtcWalletFirst_AndTheDefaultWalletSeparately()
    {
        var user = await server.NewUserAsync(sats: 7, cents: 3);

        var account = (await server.DataAsync(user.Token,
            "query { me { defaultAccount { defaultWalletId wallets { id walletCurrency balance } } } }"))["me"]!["defaultAccount"]!;

        var wallets = account["wallets"]!.AsArray();
        Assert.Equal(["BTC", "USD"], wallets.Select(wallet => wallet!["walletCurrency"].Str()));
        Assert.Equal([7L, 3L], wallets.Select(wallet => wallet!["balance"].Number()));
        Assert.Equal(user.BtcWalletId.ToString("D"), account["defaultWalletId"].Str());
    }

    [Fact]
    public async Task Me_ReadsTheAccountAsLastWritten()
    {
        var user = await server.NewUserAsync(sats: 5);
        const string Account = "query { me { defaultAccount { id level displayCurrency defaultWalletId wallets { id walletCurrency balance } } } }";
        var before = (await server.DataAsync(user.Token, Account))["me"]!["defaultAccount"]!;

        var set = await server.DataAsync(user.Token,
            "mutation($w: WalletId!) { accountUpdateDefaultWalletId(input: {walletId: $w}) { errors { message } } }", new { w = user.UsdWalletId });
        var after = (await server.DataAsync(user.Token, Account))["me"]!["defaultAccount"]!;

        Assert.Equal(user.BtcWalletId.ToString("D"), before["defaultWalletId"].Str());
        Assert.Empty(set["accountUpdateDefaultWalletId"]!["errors"]!.AsArray());
        Assert.Equal(user.UsdWalletId.ToString("D"), after["defaultWalletId"].Str());
        Assert.Equal(before["id"].Str(), after["id"].Str());
        Assert.Equal("ONE", after["level"].Str());
        Assert.Equal("USD", after["displayCurrency"].Str());
        Assert.Equal([5L, 0L], after["wallets"]!.AsArray().Select(wallet => wallet!["balance"].Number()));
    }

    /// <summary>A request refused before it runs: 400, as GraphQL over HTTP answers a document or variables that do not validate.</summary>
    private async Task<JsonObject> RefusedAsync(string token, string query, object? variables = null)
    {
        using var response = await server.PostGraphQLAsync(token, query, variables);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"graphql: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static Dictionary<string, long> Wallets(JsonObject data) =>
        data["me"]!["defaultAccount"]!["wallets"]!.AsArray().ToDictionary(wallet => wallet!["id"].Str()!, wallet => wallet!["balance"].Number());

    private static string Unique() => Guid.NewGuid().ToString("N");
}

public sealed class SqliteApiReadPathTests(SqliteServerFixture server) : ApiReadPathTests<SqliteServerFixture>(server);

public sealed class PostgresApiReadPathTests(PostgresServerFixture server) : ApiReadPathTests<PostgresServerFixture>(server);
