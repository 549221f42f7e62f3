using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Text that no database column can hold as sent (NUL, an unpaired surrogate) is refused wherever a string input is
/// parsed, in a document or in variables, with the API's own input errors and alike on SQLite and PostgreSQL; nothing is
/// written. Whole text, emoji included, is stored as sent.
/// </summary>
public abstract class StorableTextTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Footprint = """
        query { me { apiKeys { id } defaultAccount {
          transactions(first: 50) { edges { node { id memo } } }
          invoices(first: 50) { edges { node { paymentHash } } } } } }
        """;

    /// <summary>Each field that stores or looks up text, with <c>{0}</c> where the text goes, as a GraphQL string's content.</summary>
    private static string[] Operations(ApiUser alice, ApiUser bob) =>
    [
        $$"""mutation { intraLedgerPaymentSend(input: {walletId: "{{alice.BtcWalletId}}", recipientWalletId: "{{bob.BtcWalletId}}", amount: 1, memo: "{0}"}) { status } }""",
        $$"""mutation { intraLedgerUsdPaymentSend(input: {walletId: "{{alice.UsdWalletId}}", recipientWalletId: "{{bob.UsdWalletId}}", amount: 1, memo: "{0}"}) { status } }""",
        $$"""mutation { lnInvoiceCreate(input: {walletId: "{{alice.BtcWalletId}}", amount: 5, memo: "{0}"}) { invoice { paymentRequest } } }""",
        $$"""mutation { lnNoAmountInvoiceCreate(input: {walletId: "{{alice.BtcWalletId}}", memo: "{0}"}) { invoice { paymentRequest } } }""",
        $$"""mutation { lnInvoiceCreateOnBehalfOfRecipient(input: {recipientWalletId: "{{alice.BtcWalletId}}", amount: 5, memo: "{0}"}) { invoice { paymentRequest } } }""",
        """mutation { apiKeyCreate(input: {name: "{0}"}) { apiKey { id } } }""",
        """query { lnInvoicePaymentStatusByPaymentRequest(input: {paymentRequest: "lnbcrt1{0}"}) { status } }""",
        """mutation { apiKeyRevoke(input: {id: "{0}"}) { apiKey { id } } }""",
    ];

    [Theory]
    [InlineData(@"a\u0000b")]
    [InlineData(@"a\ud800b")]
    [InlineData(@"a\udc00")]
    [InlineData(@"\ud83d")]
    public async Task Unstorable_text_in_the_document_is_a_validation_error_and_writes_nothing(string text)
    {
        var (alice, bob) = await PairAsync();
        var before = await FootprintAsync(alice, bob);

        foreach (var template in Operations(alice, bob))
        {
            var query = template.Replace("{0}", text, StringComparison.Ordinal);
            using var response = await server.PostGraphQLAsync(alice.Token, query);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {body.ToJsonString()}");
            var error = SingleError(body);
            Assert.Equal("GRAPHQL_VALIDATION_FAILED", error["code"].Str());
            Assert.StartsWith("Argument 'input' has invalid value.", error["message"].Str(), StringComparison.Ordinal);
            Assert.Null(body["data"]);
        }

        Assert.Equal(before, await FootprintAsync(alice, bob));
    }

    [Theory]
    [InlineData(@"a\u0000b")]
    [InlineData(@"a\ud800b")]
    [InlineData(@"a\udc00")]
    [InlineData(@"\ud83d")]
    public async Task Unstorable_text_in_variables_is_refused_and_writes_nothing(string text)
    {
        var (alice, bob) = await PairAsync();
        var before = await FootprintAsync(alice, bob);
        var sends = new (string Query, string Input)[]
        {
            ("mutation($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status } }",
                $$"""{"walletId": "{{alice.BtcWalletId}}", "recipientWalletId": "{{bob.BtcWalletId}}", "amount": 1, "memo": "{0}"}"""),
            ("mutation($input: LnInvoiceCreateInput!) { lnInvoiceCreate(input: $input) { invoice { paymentRequest } } }",
                $$"""{"walletId": "{{alice.BtcWalletId}}", "amount": 5, "memo": "{0}"}"""),
            ("mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id } } }", """{"name": "{0}"}"""),
        };

        foreach (var (query, input) in sends)
        {
            var json = "{\"query\": " + System.Text.Json.JsonSerializer.Serialize(query) + ", \"variables\": {\"input\": " + input.Replace("{0}", text, StringComparison.Ordinal) + "}}";
            using var response = await server.PostRawGraphQLAsync(alice.Token, json);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{json}: {(int)response.StatusCode} {body.ToJsonString()}");
            var error = SingleError(body);
            if (text.Contains("u0000", StringComparison.Ordinal))
            {
                Assert.Equal("BAD_USER_INPUT", error["code"].Str());
                Assert.StartsWith("Variable '$input.", error["message"].Str(), StringComparison.Ordinal);
            }
            else
            {
                // JSON text with a lone surrogate is not read at all.
                Assert.Equal("BAD_REQUEST", error["code"].Str());
                Assert.EndsWith("escapes an unpaired UTF-16 surrogate (a \\ud800 without its \\udc00).", error["message"].Str(), StringComparison.Ordinal);
            }
            Assert.Null(body["data"]);
        }

        Assert.Equal(before, await FootprintAsync(alice, bob));
    }

    [Fact]
    public async Task Whole_text_with_emoji_and_control_characters_is_stored_as_sent()
    {
        var (alice, bob) = await PairAsync();
        const string memo = "caf\u00e9 \U0001F600 tab\there";

        var sent = await server.DataAsync(alice.Token,
            "mutation($input: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $input) { status } }",
            new { input = new { walletId = alice.BtcWalletId, recipientWalletId = bob.BtcWalletId, amount = 1, memo } });
        var named = await server.DataAsync(alice.Token, """mutation { apiKeyCreate(input: {name: "key \ud83d\ude00"}) { apiKey { name } } }""");

        Assert.Equal("SUCCESS", sent["intraLedgerPaymentSend"]!["status"].Str());
        var memos = (await server.DataAsync(bob.Token, Footprint))["me"]!["defaultAccount"]!["transactions"]!["edges"]!.AsArray().Select(edge => edge!["node"]!["memo"]?.GetValue<string>());
        Assert.Contains(memo, memos);
        Assert.Equal("key \U0001F600", named["apiKeyCreate"]!["apiKey"]!["name"].Str());
    }

    private async Task<(ApiUser Alice, ApiUser Bob)> PairAsync() =>
        (await server.NewUserAsync(sats: 1_000, cents: 1_000), await server.NewUserAsync());

    private async Task<string> FootprintAsync(ApiUser alice, ApiUser bob) =>
        (await server.DataAsync(alice.Token, Footprint)).ToJsonString() + (await server.DataAsync(bob.Token, Footprint)).ToJsonString();
}

public sealed class SqliteStorableTextTests(SqliteServerFixture server) : StorableTextTests<SqliteServerFixture>(server);

public sealed class PostgresStorableTextTests(PostgresServerFixture server) : StorableTextTests<PostgresServerFixture>(server);
