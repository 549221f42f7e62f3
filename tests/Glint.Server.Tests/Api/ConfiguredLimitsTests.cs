using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>A server whose GraphQL limits are set in its configuration (<c>api:limits:…</c>).</summary>
public sealed class SqliteTightLimitsServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => TightLimits.Values;
}

public sealed class PostgresTightLimitsServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => TightLimits.Values;
}

public static class TightLimits
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        ["api:limits:body_bytes"] = "200",
        ["api:limits:aliases"] = "1",
        ["api:limits:depth"] = "2",
    };
}

/// <summary>The limits come from configuration, for POST and GET alike.</summary>
public abstract class ConfiguredLimitsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task ConfiguredBodyLimit_Applies()
    {
        using var response = await server.PostRawGraphQLAsync(null, """{"query":"{ globals { network } }"}""" + new string(' ', 200));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The request body is larger than 200 bytes, the most /graphql accepts.", await MessageAsync(response));
    }

    [Fact]
    public async Task ConfiguredDocumentLimits_Apply()
    {
        using var aliases = await server.PostGraphQLAsync(null, "query { a: globals { network } b: globals { network } }");
        using var depth = await server.Public.GetAsync("/graphql?query=" + Uri.EscapeDataString("query { globals { feesInformation { deposit { minBankFee } } } }"));

        Assert.Equal(HttpStatusCode.BadRequest, aliases.StatusCode);
        Assert.Equal("The document has 2 aliases; at most 1 are allowed.", await MessageAsync(aliases));
        Assert.Equal(HttpStatusCode.BadRequest, depth.StatusCode);
        Assert.Equal("The document nests selections 4 levels deep, counting through fragments; at most 2 are allowed.", await MessageAsync(depth));
        Assert.Equal("regtest", (await server.DataAsync(null, "query { a: globals { network } }"))["a"]!["network"].Str());
    }

    private static async Task<string> MessageAsync(HttpResponseMessage response) =>
        SingleError(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject())["message"].Str();
}

public sealed class SqliteConfiguredLimitsTests(SqliteTightLimitsServer server) : ConfiguredLimitsTests<SqliteTightLimitsServer>(server);

public sealed class PostgresConfiguredLimitsTests(PostgresTightLimitsServer server) : ConfiguredLimitsTests<PostgresTightLimitsServer>(server);
