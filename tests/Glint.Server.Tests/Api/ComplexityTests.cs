using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>Blink's complexity limit: 1 per field, 120 per mutation, refused from 200 on; so one mutation per request.</summary>
public abstract class ComplexityTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task TwoMutations_AreTooComplexAndNothingRuns()
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();
        var payment = $$"""input: {walletId: "{{alice.BtcWalletId}}", recipientWalletId: "{{bob.BtcWalletId}}", amount: 100}""";

        var body = await server.GraphQLAsync(alice.Token, $$"""
            mutation { a: intraLedgerPaymentSend({{payment}}) { status } b: intraLedgerPaymentSend({{payment}}) { status } }
            """);

        var error = SingleError(body);
        Assert.Equal("Query too complex. Value of 242 is over the maximum 200.", error["message"].Str());
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", error["code"].Str());
        Assert.Null(body["data"]);
        var wallets = (await server.DataAsync(alice.Token, "query { me { defaultAccount { wallets { balance } } } }"))["me"]!["defaultAccount"]!["wallets"]!;
        Assert.Equal(10_000, wallets[0]!["balance"].Number());
    }

    [Fact]
    public async Task OneMutationWithItsPayload_IsAllowed()
    {
        var alice = await server.NewUserAsync(sats: 10_000);
        var bob = await server.NewUserAsync();

        var data = await server.DataAsync(alice.Token, BlinkOperations.IntraLedgerBtcPaymentSend,
            new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 100 } });

        Assert.Equal("SUCCESS", data["intraLedgerPaymentSend"]!["status"].Str());
    }

    [Theory]
    [InlineData(99, false)]
    [InlineData(100, true)]
    public async Task Fields_CostOneEach_AndTwoHundredIsTooMany(int aliases, bool refused)
    {
        // Each alias is two fields: globals and network.
        var query = new StringBuilder("query {");
        for (var i = 0; i < aliases; i++)
        {
            query.Append(" g").Append(i).Append(": globals { network }");
        }

        var body = await server.GraphQLAsync(null, query.Append(" }").ToString());

        if (refused)
        {
            Assert.Equal("Query too complex. Value of 200 is over the maximum 200.", SingleError(body)["message"].Str());
        }
        else
        {
            Assert.Null(body["errors"]);
        }
    }

    [Fact]
    public async Task AbstractSelections_CostTheirMostExpensiveType_AndTypenameIsFree()
    {
        var user = await server.NewUserAsync();
        // 96 aliased __typename-only globals would be free; the fragments on a union cost their largest member (2), not the sum (5).
        var query = new StringBuilder("query { me { defaultAccount { transactions(first: 1) { edges { node {");
        for (var i = 0; i < 60; i++)
        {
            query.Append(" v").Append(i).Append(": settlementVia { __typename ... on SettlementViaIntraLedger { counterPartyUsername counterPartyWalletId } ... on SettlementViaOnChain { transactionHash vout } ... on SettlementViaLn { preImage } }");
        }

        // 60 × (1 + 2) = 180, plus me, defaultAccount, transactions, edges and node: 185.
        var body = await server.GraphQLAsync(user.Token, query.Append(" } } } } } }").ToString());

        Assert.Null(body["errors"]);
    }

    [Fact]
    public async Task Introspection_IsFree()
    {
        var body = await server.GraphQLAsync(null, "query { __schema { types { name fields { name type { name kind ofType { name kind } } } } } }");

        Assert.Null(body["errors"]);
        Assert.Contains(body["data"]!["__schema"]!["types"]!.AsArray(), type => type!["name"].Str() == "BTCWallet");
    }

    [Fact]
    public async Task SkippedFields_CostNothing()
    {
        var query = new StringBuilder("query($skip: Boolean!) {");
        for (var i = 0; i < 150; i++)
        {
            query.Append(" g").Append(i).Append(": globals @skip(if: $skip) { network }");
        }

        using var response = await server.PostGraphQLAsync(null, query.Append(" }").ToString(), new { skip = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]);
    }
}

public sealed class SqliteComplexityTests(SqliteServerFixture server) : ComplexityTests<SqliteServerFixture>(server);

public sealed class PostgresComplexityTests(PostgresServerFixture server) : ComplexityTests<PostgresServerFixture>(server);
