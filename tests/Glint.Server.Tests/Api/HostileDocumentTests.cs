using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Lightning;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Documents and bodies built to cost the server time, memory or its stack, sent anonymously: each gets a 4xx GraphQL
/// error that names the rule (never a .NET type), and the server answers a normal query right after.
/// </summary>
public abstract class HostileDocumentTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [MemberData(nameof(HostileDocuments.Attacks), MemberType = typeof(HostileDocuments))]
    public async Task HostileDocument_IsRefusedAndTheServerStillServes(string attack, string message)
    {
        using var response = await server.PostGraphQLAsync(null, HostileDocuments.Document(attack));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = SingleError(JsonNode.Parse(text)!.AsObject());
        Assert.Contains(error["code"].Str(), (string[])["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"]);
        Assert.Equal(message, error["message"].Str());
        HostileDocuments.AssertNoTypeNames(text);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task SameHostileDocumentAgain_IsRefusedAgain()
    {
        var document = HostileDocuments.Document("fan-out of fragments");

        using var first = await server.PostGraphQLAsync(null, document);
        using var second = await server.PostGraphQLAsync(null, document);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ChainedFragments_OverGraphQLWs_AreAnErrorForThatOperation()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(server);

        await client.SubscribeAsync("chain", DocumentLimitCheckTests.Chain(1020));
        var error = await client.ReceiveAsync("chain");

        Assert.Equal("error", error["type"].Str());
        Assert.Contains("allowed", error["payload"]![0]!["message"].Str(), StringComparison.Ordinal);
        HostileDocuments.AssertNoTypeNames(error.ToJsonString());
        await client.SubscribedAsync(); // the connection still serves
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task FanOut_OverGraphQLWs_IsAnErrorForThatOperation()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(server);

        await client.SubscribeAsync("fan", HostileDocuments.Document("fan-out of fragments"));
        var error = await client.ReceiveAsync("fan");

        Assert.Equal("error", error["type"].Str());
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", error["payload"]![0]!["code"].Str());
        await client.SubscribedAsync();
    }

    [Fact]
    public async Task OversizedGraphQLWsMessage_ClosesTheConnection()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(server);

        await client.SubscribeAsync("big", "subscription { myUpdates { errors { message } } }" + new string(' ', 100 * 1024));

        Assert.Null(await client.ReceiveOrCloseAsync());
        Assert.Equal(4400, (int?)client.CloseStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task BadVariablesOverGraphQLWs_AreAnErrorForThatOperation()
    {
        await using var client = await GraphQLWsClient.ConnectAsync(server);

        await client.SendAsync(JsonNode.Parse("""
            {"id":"v","type":"subscribe","payload":{"query":"subscription { myUpdates { errors { message } } }","variables":{"n":1e400},"operationName":5}}
            """)!);
        var error = await client.ReceiveAsync("v");

        Assert.Equal("error", error["type"].Str());
        HostileDocuments.AssertNoTypeNames(error.ToJsonString());
        await client.SubscribedAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BodyOverTheLimit_Is413(bool chunked)
    {
        var (status, text) = await RawGraphQLPost.SendAsync(server, 1024 * 1024 + 1, chunked, readToEnd: true);

        Assert.Equal(413, status);
        Assert.Contains("""{"message":"The request body is larger than 1,048,576 bytes, the most /graphql accepts.","code":"BAD_REQUEST"}""", text, StringComparison.Ordinal);
        Assert.Contains("Connection: close", text, StringComparison.OrdinalIgnoreCase);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task BodyAtTheLimit_IsRead()
    {
        var query = "{ globals { network } }";
        var body = "{\"query\":\"" + query + "\"" + new string(' ', 1024 * 1024 - 12 - query.Length) + "}";

        using var response = await server.PostRawGraphQLAsync(null, body);

        Assert.Equal(1024 * 1024, Encoding.UTF8.GetByteCount(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("[]", "The request body must be a JSON object with a `query` string, not an array.")]
    [InlineData("\"query\"", "The request body must be a JSON object with a `query` string, not a string.")]
    [InlineData("""{"query": 5}""", "`query` must be a string, not a number.")]
    [InlineData("""{"query": ["{ globals { network } }"]}""", "`query` must be a string, not an array.")]
    [InlineData("""{"query": "{ globals { network } }", "operationName": {}}""", "`operationName` must be a string, not an object.")]
    [InlineData("""{"query": "{ globals { network } }", "variables": [1]}""", "`variables` must be a JSON object, not an array.")]
    [InlineData("""{"query": "{ globals { network } }", "variables": "{}"}""", "`variables` must be a JSON object, not a string.")]
    [InlineData("""{"query": "{ globals { network } }", "extensions": 1}""", "`extensions` must be a JSON object, not a number.")]
    [InlineData("""{"query": "query($n: Float) { globals { network } }", "variables": {"n": 1e400}}""", "`variables` holds a number that is out of range: numbers may have at most 100 characters and must be within ±1.7e308.")]
    [InlineData("""{"query": "{ globals { network } }"} trailing""", "The request body is not valid JSON, or nests more than 64 levels deep (line 1, byte 38).")]
    public async Task MalformedRequest_NamesTheFieldAndTheRule(string json, string message)
    {
        using var response = await server.PostRawGraphQLAsync(null, json);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = SingleError(JsonNode.Parse(text)!.AsObject());
        Assert.Equal(message, error["message"].Str());
        Assert.Equal("BAD_REQUEST", error["code"].Str());
        HostileDocuments.AssertNoTypeNames(text);
    }

    [Fact]
    public async Task HugeIntegerVariable_IsRefused()
    {
        using var response = await server.PostRawGraphQLAsync(null,
            "{\"query\":\"query($n: Int) { globals { network } }\",\"variables\":{\"n\":" + new string('9', 50_000) + "}}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 100 characters", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeeplyNestedVariables_AreRefused()
    {
        var nested = new string('[', 5000) + new string(']', 5000);
        using var response = await server.PostRawGraphQLAsync(null, "{\"query\":\"{ globals { network } }\",\"variables\":{\"n\":" + nested + "}}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nests more than 64 levels", text, StringComparison.Ordinal);
        HostileDocuments.AssertNoTypeNames(text);
    }

    [Fact]
    public async Task NotUtf8Body_Is400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new ByteArrayContent([.. "{\"query\":\"{ globals { network } }"u8, 0xff, 0xfe, .. "\"}"u8]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Public.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_REQUEST", SingleError(JsonNode.Parse(text)!.AsObject())["code"].Str());
        HostileDocuments.AssertNoTypeNames(text);
    }

    [Theory]
    [InlineData("[1]", "`variables` must be a JSON object, not an array.")]
    [InlineData("{\"n\": 1e999}", "`variables` holds a number that is out of range: numbers may have at most 100 characters and must be within ±1.7e308.")]
    [InlineData("{nope", "`variables` is not valid JSON, or nests more than 64 levels deep (line 1, byte 2).")]
    public async Task GetWithBadVariables_NamesTheParameter(string variables, string message)
    {
        using var response = await server.Public.GetAsync("/graphql?query=" + Uri.EscapeDataString("query($n: Float) { globals { network } }")
            + "&variables=" + Uri.EscapeDataString(variables));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, SingleError(JsonNode.Parse(text)!.AsObject())["message"].Str());
        HostileDocuments.AssertNoTypeNames(text);
    }

    /// <summary>The introspection query GraphQL clients send by default; see <see cref="DocumentLimitCheckTests"/> for every variant.</summary>
    [Fact]
    public async Task IntrospectionQuery_IsAnswered()
    {
        var data = await server.DataAsync(null, IntrospectionQueries.Default);

        Assert.Equal("Query", data["__schema"]!["queryType"]!["name"].Str());
    }

    private async Task AssertStillServesAsync()
    {
        var data = await server.DataAsync(null, "query { globals { network } }");
        Assert.NotNull(data["globals"]!["network"]);
    }
}

/// <summary>The issue's attack documents, and what no answer may contain.</summary>
public static partial class HostileDocuments
{
    /// <summary>Each attack, with the refusal it gets under the default limits (the first limit it exceeds).</summary>
    public static TheoryData<string, string> Attacks() => new()
    {
        { "1020 chained fragments", "The document has 1,021 definitions (operations and fragments); at most 100 are allowed." },
        { "900 chained fragments", "The document has 901 definitions (operations and fragments); at most 100 are allowed." },
        { "99 chained fragments", "The document has a chain of more than 32 fragment spreads; at most 32 are allowed." },
        { "20000 skip directives", "The document has more than 10,000 tokens; at most 10,000 are allowed." },
        { "1000 skip directives", "The document has 1,000 directives; at most 200 are allowed." },
        { "10000 duplicate typenames", "The document has more than 10,000 tokens; at most 10,000 are allowed." },
        { "5000 duplicate typenames", "The document selects more than 1,000 fields once its fragments are expanded; at most 1,000 are allowed." },
        { "20000 unused variables", "The document has more than 10,000 tokens; at most 10,000 are allowed." },
        { "1000 unused variables", "The document declares 1,000 variables; at most 100 are allowed." },
        { "50000 aliases", "The document has more than 10,000 tokens; at most 10,000 are allowed." },
        { "1000 aliases", "The document has 1,000 aliases; at most 200 are allowed." },
        { "70 levels of nesting", "The document nests too deeply to be read; selections may nest at most 32 levels deep." },
        { "40 levels of nesting", "The document nests selections 40 levels deep, counting through fragments; at most 32 are allowed." },
        { "fan-out of fragments", "The document selects more than 1,000 fields once its fragments are expanded; at most 1,000 are allowed." },
        { "fragment cycle", "Fragment \"A\" spreads itself, directly or through other fragments; fragments must not form a cycle." },
    };

    /// <summary>Each of the issue's attack documents.</summary>
    public static string Document(string attack) => attack switch
    {
        "1020 chained fragments" => DocumentLimitCheckTests.Chain(1020),
        "900 chained fragments" => DocumentLimitCheckTests.Chain(900),
        "99 chained fragments" => DocumentLimitCheckTests.Chain(99),
        "20000 skip directives" => "query { " + Repeat("__typename @skip(if: false) ", 20_000) + "}",
        "1000 skip directives" => "query { " + Repeat("__typename @skip(if: false) ", 1_000) + "}",
        "10000 duplicate typenames" => "query { " + Repeat("__typename ", 10_000) + "}",
        "5000 duplicate typenames" => "query { " + Repeat("__typename ", 5_000) + "}",
        "20000 unused variables" => Variables(20_000),
        "1000 unused variables" => Variables(1_000),
        "50000 aliases" => Aliases(50_000),
        "1000 aliases" => Aliases(1_000),
        "70 levels of nesting" => "query " + Repeat("{ a ", 70) + new string('}', 70),
        "40 levels of nesting" => "query " + Repeat("{ a ", 40) + new string('}', 40),
        "fan-out of fragments" => DocumentLimitCheckTests.FanOut(30),
        "fragment cycle" => "query { ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }",
        _ => throw new ArgumentOutOfRangeException(nameof(attack)),
    };

    private static string Variables(int count) => "query(" + string.Join(", ", Enumerable.Range(0, count).Select(i => $"$v{i}: Int")) + ") { __typename }";

    private static string Aliases(int count) => "query { " + string.Join(" ", Enumerable.Range(0, count).Select(i => $"a{i}: __typename")) + " }";

    private static string Repeat(string text, int times) => new StringBuilder(text.Length * times).Insert(0, text, times).ToString();

    /// <summary>A namespace-qualified .NET type (<c>System.…</c>, <c>GraphQL.Transport.…</c>) or a generic's arity.</summary>
    public static void AssertNoTypeNames(string body) => Assert.False(TypeName().IsMatch(body), body.Length > 2000 ? body[..2000] : body);

    [GeneratedRegex(@"\b(System|Microsoft|GraphQL|GraphQLParser|Glint|Npgsql)\.[A-Z]|`\d")]
    private static partial Regex TypeName();
}

public sealed class SqliteHostileDocumentTests(SqliteServerFixture server) : HostileDocumentTests<SqliteServerFixture>(server);

public sealed class PostgresHostileDocumentTests(PostgresServerFixture server) : HostileDocumentTests<PostgresServerFixture>(server);
