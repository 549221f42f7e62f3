using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>Keyset pagination over a wallet's history (cursor = transaction id), with Blink's bounds.</summary>
public abstract class PaginationTests<TServer>(TServer server) : IClassFixture<TServer>, IAsyncLifetime where TServer : GlintServerFixture
{
    private const string Page = """
        query Page($first: Int, $after: String, $last: Int, $before: String, $walletIds: [WalletId]) {
          me {
            defaultAccount {
              transactions(first: $first, after: $after, last: $last, before: $before, walletIds: $walletIds) {
                edges { cursor node { id settlementAmount settlementCurrency } }
                pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
              }
            }
          }
        }
        """;

    // The tests only read the history, so the server's tests share one (250 ledger entries take a while to write).
    private static readonly ConcurrentDictionary<GlintServerFixture, Lazy<Task<ApiUser>>> Histories = new();

    private ApiUser _user = null!;

    public async ValueTask InitializeAsync() =>
        _user = await Histories.GetOrAdd(server, fixture => new Lazy<Task<ApiUser>>(() => CreateHistoryAsync(fixture))).Value;

    /// <summary>A user with 250 credits of 1, 2, … 250 sats, then one of 1 cent to the USD wallet.</summary>
    private static async Task<ApiUser> CreateHistoryAsync(GlintServerFixture server)
    {
        var user = await server.NewUserAsync(grant: ["read"]);
        for (var amount = 1; amount <= 250; amount++)
        {
            await server.CreditAsync(user.BtcWalletId, amount);
        }

        await server.CreditAsync(user.UsdWalletId, 1);
        return user;
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ForwardPages_Of100_Cover250TransactionsNewestFirstWithoutGapsOrRepeats()
    {
        var seen = new List<long>();
        string? after = null;
        var pages = 0;
        JsonNode pageInfo;
        do
        {
            var connection = await ConnectionAsync(new { first = 100, after, walletIds = new[] { _user.BtcWalletId } });
            pageInfo = connection["pageInfo"]!;
            var edges = connection["edges"]!.AsArray();
            seen.AddRange(edges.Select(edge => edge!["node"]!["settlementAmount"].Number()));
            Assert.All(edges, edge => Assert.Equal(edge!["cursor"].Str(), edge["node"]!["id"].Str()));
            Assert.Equal(after is not null, pageInfo["hasPreviousPage"]!.GetValue<bool>());
            after = pageInfo["endCursor"]?.GetValue<string>();
            pages++;
        }
        while (pageInfo["hasNextPage"]!.GetValue<bool>());

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 250).Reverse().Select(i => (long)i), seen);
    }

    [Fact]
    public async Task WithoutFirstOrLast_ReturnsTheNewest100OfAllWallets()
    {
        var connection = await ConnectionAsync(new { });

        var edges = connection["edges"]!.AsArray();
        Assert.Equal(100, edges.Count);
        Assert.Equal("USD", edges[0]!["node"]!["settlementCurrency"].Str());
        Assert.True(connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task BackwardPage_BeforeACursor_ReturnsTheNewerTransactions()
    {
        var first = await ConnectionAsync(new { first = 100, walletIds = new[] { _user.BtcWalletId } });
        var second = await ConnectionAsync(new { first = 100, after = first["pageInfo"]!["endCursor"].Str(), walletIds = new[] { _user.BtcWalletId } });

        var back = await ConnectionAsync(new { last = 10, before = second["pageInfo"]!["startCursor"].Str(), walletIds = new[] { _user.BtcWalletId } });

        var amounts = back["edges"]!.AsArray().Select(edge => edge!["node"]!["settlementAmount"].Number()).ToList();
        Assert.Equal(Enumerable.Range(151, 10).Reverse().Select(i => (long)i), amounts);
        Assert.True(back["pageInfo"]!["hasPreviousPage"]!.GetValue<bool>());
        Assert.True(back["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task WalletIds_OfAnotherAccount_AreRefused()
    {
        var stranger = await server.NewUserAsync(sats: 5);

        var body = await server.GraphQLAsync(_user.Token, Page, new { first = 10, walletIds = new[] { _user.BtcWalletId, stranger.BtcWalletId } });

        Assert.Equal("Invalid walletId for account.", SingleError(body)["message"].Str());
        Assert.Null(body["data"]!["me"]!["defaultAccount"]!["transactions"]);
    }

    [Fact]
    public async Task WalletIds_Empty_SelectsNothing()
    {
        var connection = await ConnectionAsync(new { first = 10, walletIds = Array.Empty<Guid>() });

        Assert.Empty(connection["edges"]!.AsArray());
        Assert.Null(connection["pageInfo"]!["endCursor"]);
    }

    [Theory]
    [InlineData(101, null, "Requested page size (101) is greater than max allowed page size 100.")]
    [InlineData(0, null, "Requested page size (0) must be greater than 0.")]
    [InlineData(-5, null, "Requested page size (-5) must be greater than 0.")]
    [InlineData(null, 101, "Requested page size (101) is greater than max allowed page size 100.")]
    [InlineData(10, 10, "Cannot use both \"first\" and \"last\".")]
    public async Task Bounds_AreInvalidInput(int? first, int? last, string message)
    {
        var body = await server.GraphQLAsync(_user.Token, Page, new { first, last });

        var error = SingleError(body);
        Assert.Equal(message, error["message"].Str());
        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.Equal(["me", "defaultAccount", "transactions"], error["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Null(body["data"]!["me"]!["defaultAccount"]!["transactions"]);
    }

    [Fact]
    public async Task WalletTransactions_PageTheSameWay()
    {
        const string query = """
            query Wallet($walletId: WalletId!, $after: String) {
              me { defaultAccount { walletById(walletId: $walletId) {
                ... on BTCWallet { transactions(first: 100, after: $after) { edges { node { settlementAmount } } pageInfo { endCursor hasNextPage } } }
              } } }
            }
            """;
        var total = 0;
        string? after = null;
        bool more;
        do
        {
            var connection = (await server.DataAsync(_user.Token, query, new { walletId = _user.BtcWalletId, after }))["me"]!["defaultAccount"]!["walletById"]!["transactions"]!;
            total += connection["edges"]!.AsArray().Count;
            after = connection["pageInfo"]!["endCursor"]?.GetValue<string>();
            more = connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>();
        }
        while (more);

        Assert.Equal(250, total);
    }

    private async Task<JsonNode> ConnectionAsync(object variables) =>
        (await server.DataAsync(_user.Token, Page, variables))["me"]!["defaultAccount"]!["transactions"]!;
}

public sealed class SqlitePaginationTests(SqliteServerFixture server) : PaginationTests<SqliteServerFixture>(server);

public sealed class PostgresPaginationTests(PostgresServerFixture server) : PaginationTests<PostgresServerFixture>(server);
