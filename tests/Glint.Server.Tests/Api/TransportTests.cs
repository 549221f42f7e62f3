using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>The HTTP side of <c>/graphql</c>: POST and GET, Blink's error shape, and 4xx (never 500) for bad requests.</summary>
public abstract class TransportTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Get_RunsAQuery()
    {
        using var response = await server.Public.GetAsync("/graphql?query=" + Uri.EscapeDataString("query Net($c: DisplayCurrency) { globals { network } realtimePrice(currency: $c) { denominatorCurrency } }")
            + "&operationName=Net&variables=" + Uri.EscapeDataString("""{"c":"usd"}"""));
        var body = await BodyAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("regtest", body["data"]!["globals"]!["network"].Str());
        Assert.Equal("USD", body["data"]!["realtimePrice"]!["denominatorCurrency"].Str());
    }

    [Fact]
    public async Task Get_RefusesAMutation()
    {
        using var response = await server.Public.GetAsync("/graphql?query=" + Uri.EscapeDataString("""mutation { userUpdateLanguage(input: {language: "fr"}) { errors { message } } }"""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("Can only perform a mutation operation from a POST request.", SingleError(await BodyAsync(response))["message"].Str());
    }

    [Fact]
    public async Task Subscription_OverHttp_Is400SayingItIsServedOverWebSocket()
    {
        const string subscription = """subscription Price { realtimePrice(input: {currency: "USD"}) { realtimePrice { id } } }""";
        using var posted = await server.PostGraphQLAsync(null, subscription);
        using var named = await server.PostGraphQLAsync(null, "query Net { globals { network } } " + subscription, operationName: "Price");
        using var got = await server.Public.GetAsync("/graphql?query=" + Uri.EscapeDataString(subscription));

        foreach (var response in new[] { posted, named, got })
        {
            var body = await BodyAsync(response);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
            var error = SingleError(body);
            Assert.Equal("BAD_REQUEST", error["code"].Str());
            Assert.Contains("graphql-transport-ws", error["message"].Str(), StringComparison.Ordinal);
            Assert.Null(body["data"]);
        }

        // The query beside it still runs over HTTP.
        Assert.Equal("regtest", (await server.DataAsync(null, "query Net { globals { network } } " + subscription, operationName: "Net"))["globals"]!["network"].Str());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("""{"query": 5}""")]
    [InlineData("""{"query": "{ globals { network } }", "variables": 5}""")]
    [InlineData("null")]
    [InlineData("")]
    public async Task BadJson_Is400WithAGraphQLError(string json)
    {
        using var response = await server.PostRawGraphQLAsync(null, json);
        var body = await BodyAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_REQUEST", SingleError(body)["code"].Str());
        Assert.Null(body["data"]);
    }

    [Fact]
    public async Task NotJson_Is415()
    {
        using var response = await server.PostRawGraphQLAsync(null, "query { globals { network } }", contentType: "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("BAD_REQUEST", SingleError(await BodyAsync(response))["code"].Str());
    }

    [Fact]
    public async Task SyntaxError_Is400WithItsLocation()
    {
        using var response = await server.PostGraphQLAsync(null, "query { globals { network }");
        var error = SingleError(await BodyAsync(response));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("GRAPHQL_PARSE_FAILED", error["code"].Str());
        Assert.Equal(1, error["locations"]![0]!["line"]!.GetValue<int>());
    }

    [Fact]
    public async Task UnknownField_Is400ValidationFailed()
    {
        using var response = await server.PostGraphQLAsync(null, "query { globals { network nope } }");
        var error = SingleError(await BodyAsync(response));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", error["code"].Str());
        Assert.Contains("nope", error["message"].Str(), StringComparison.Ordinal);
        Assert.Equal(["message", "locations", "code"], error.Select(property => property.Key));
    }

    [Fact]
    public async Task MissingQuery_Is400()
    {
        using var response = await server.PostRawGraphQLAsync(null, """{"variables":{}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SameQueryAgain_IsServedFromTheParsedDocument()
    {
        const string query = "query Twice { globals { network nodesIds } }";

        var first = await server.DataAsync(null, query);
        var second = await server.DataAsync(null, query);

        Assert.Equal(first.ToJsonString(), second.ToJsonString());
    }

    [Fact]
    public async Task AdminPort_HasNoGraphQL()
    {
        using var response = await server.Admin.PostAsync("/graphql", new StringContent("""{"query":"{ globals { network } }"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<JsonObject> BodyAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
}

public sealed class SqliteTransportTests(SqliteServerFixture server) : TransportTests<SqliteServerFixture>(server);

public sealed class PostgresTransportTests(PostgresServerFixture server) : TransportTests<PostgresServerFixture>(server);
