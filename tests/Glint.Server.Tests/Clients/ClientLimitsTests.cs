using Glint.Auth.Clients;
using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary>Client documents each beyond one limit, with the hint Hydra's error must carry.</summary>
public static class ClientLimitCases
{
    /// <summary>A JSON object <paramref name="levels"/> objects deep: <c>{"a":{"a":{}}}</c> is three.</summary>
    public static string Nested(int levels) => string.Concat(Enumerable.Repeat("{\"a\":", levels - 1)) + "{}" + new string('}', levels - 1);

    public static TheoryData<string, string> OverLimit => new()
    {
        { """{"client_name":"N"}""".Replace("N", new string('n', 1025), StringComparison.Ordinal), "Field client_name must be at most 1024 characters long." },
        { """{"owner":"N"}""".Replace("N", new string('o', 401), StringComparison.Ordinal), "Field owner must be at most 400 characters long." },
        { """{"client_id":"N"}""".Replace("N", new string('i', 101), StringComparison.Ordinal), "Field client_id must be at most 100 characters long." },
        { """{"policy_uri":"https://example.com/N"}""".Replace("N", new string('p', 2048), StringComparison.Ordinal), "Field policy_uri must be at most 2048 characters long." },
        { $$"""{"redirect_uris":["https://app.example.com/{{new string('r', 2048)}}"]}""", "Each entry of field redirect_uris must be at most 2048 characters long." },
        { $$"""{"redirect_uris":[{{string.Join(',', Enumerable.Range(0, 257).Select(i => $"\"https://app.example.com/{i}\""))}}]}""", "Field redirect_uris must have at most 256 entries." },
        { $$"""{"audience":[{{string.Join(',', Enumerable.Range(0, 257).Select(i => $"\"aud{i}\""))}}]}""", "Field audience must have at most 256 entries." },
        { $$"""{"contacts":[{{string.Join(',', Enumerable.Range(0, 65).Select(i => $"\"c{i}@example.com\""))}}]}""", "Field contacts must have at most 64 entries." },
        { $$"""{"grant_types":[{{string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"g{i}\""))}}]}""", "Field grant_types must have at most 16 entries." },
        { $$"""{"response_types":[{{string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"r{i}\""))}}]}""", "Field response_types must have at most 16 entries." },
        { $$"""{"allowed_cors_origins":[{{string.Join(',', Enumerable.Range(0, 257).Select(i => $"\"https://o{i}.example.com\""))}}]}""", "Field allowed_cors_origins must have at most 256 entries." },
        { $$"""{"scope":"{{string.Join(' ', Enumerable.Range(0, 257).Select(i => $"s{i}"))}}"}""", "Field scope must list at most 256 scopes." },
        { $$"""{"scope":"{{new string('s', 8193)}}"}""", "Field scope must be at most 8192 characters long." },
        { """{"metadata":{"blob":"M"}}""".Replace("M", new string('m', 70_000), StringComparison.Ordinal), "Field metadata must be at most 65536 bytes of JSON." },
        { """{"client_name":"a\u0000b"}""", "Field client_name must not contain control characters." },
        { """{"client_name":"line\nbreak"}""", "Field client_name must not contain control characters." },
        { """{"client_id":"id\u0007"}""", "Field client_id must not contain control characters." },
        { """{"client_id":"team/app"}""", "Field client_id must not contain '/' and must not be '.' or '..'." },
        { """{"client_id":".."}""", "Field client_id must not contain '/' and must not be '.' or '..'." },
        { """{"scope":"openid\u0000read"}""", "Field scope must not contain control characters." },
        { """{"redirect_uris":["https://app.example.com/cb\u0000"]}""", "Entries of field redirect_uris must not contain control characters." },
        { """{"contacts":["a\u001b@example.com"]}""", "Entries of field contacts must not contain control characters." },
        { """{"metadata":{"a":"b\u0000"}}""", "Field metadata must not contain NUL characters." },
        { """{"metadata":""" + Nested(33) + "}", "Field metadata must nest at most 32 levels deep." },
        { """{"metadata":[""" + Nested(32) + "]}", "Field metadata must nest at most 32 levels deep." },
        { """{"client_credentials_grant_access_token_lifespan":"-5s"}""", "Field client_credentials_grant_access_token_lifespan must be a duration between 0s and 87600h0m0s." },
        { """{"refresh_token_grant_refresh_token_lifespan":"87600h1s"}""", "Field refresh_token_grant_refresh_token_lifespan must be a duration between 0s and 87600h0m0s." },
    };
}

/// <summary>
/// Bounds on client documents (Hydra has none; a deliberate difference) and the admin API's answers to bodies of the
/// wrong shape: Hydra's error format, the field named, never a .NET type.
/// </summary>
public abstract class ClientLimitsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [MemberData(nameof(ClientLimitCases.OverLimit), MemberType = typeof(ClientLimitCases))]
    public async Task Create_BeyondALimit_Is400InvalidClientMetadata_NamingTheFieldAndTheRule(string body, string hint)
    {
        var response = await server.PostClientAsync(body);

        AssertInvalidClientMetadata(response, hint);
    }

    [Fact]
    public async Task Create_AtEveryLimit_IsAccepted()
    {
        var client = await server.CreateAsync(new JsonObject
        {
            ["client_id"] = NewId("limit") + new string('i', 100 - 38),
            ["owner"] = new string('o', 400),
            ["client_name"] = new string('n', 1024),
            ["redirect_uris"] = new JsonArray([.. Enumerable.Range(0, 256).Select(i => (JsonNode)$"https://app.example.com/{i}")]),
            ["scope"] = string.Join(' ', Enumerable.Range(0, 256).Select(i => $"s{i}")),
            ["contacts"] = new JsonArray([.. Enumerable.Range(0, 64).Select(i => (JsonNode)$"c{i}@example.com")]),
            ["metadata"] = new JsonObject { ["notes"] = "tab\tand newline\n are fine in metadata" },
            ["refresh_token_grant_refresh_token_lifespan"] = "87600h",
            ["client_credentials_grant_access_token_lifespan"] = "0s",
        });

        Assert.Equal(1024, client["client_name"].Text().Length);
        Assert.Equal(256, client["redirect_uris"]!.AsArray().Count);
        Assert.Equal("87600h0m0s", client["refresh_token_grant_refresh_token_lifespan"].Text());
    }

    [Fact]
    public async Task Metadata_AtItsDeepest_IsSentBack_ByGetListAndPatch_AndAPatchCannotNestItDeeper()
    {
        var deepest = JsonNode.Parse(ClientLimitCases.Nested(ClientLimits.JsonDocumentDepth))!;
        var client = await server.CreateAsync(new JsonObject { ["client_name"] = NewId("deep"), ["metadata"] = deepest.DeepClone() });
        var id = client["client_id"].Text();
        var inner = "/metadata" + string.Concat(Enumerable.Repeat("/a", ClientLimits.JsonDocumentDepth - 1));

        var fetched = await server.GetClientAsync(id);
        var listed = await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}?client_name={client["client_name"].Text()}");
        var deeper = await server.Admin.SendAsync(HttpMethod.Patch, $"{ClientsPath}/{id}", "[{\"op\":\"add\",\"path\":\"" + inner + "/b\",\"value\":{}}]");
        var beyondAnyBody = await server.Admin.SendAsync(HttpMethod.Patch, $"{ClientsPath}/{id}",
            "[{\"op\":\"add\",\"path\":\"" + inner + "/b\",\"value\":" + ClientLimitCases.Nested(40) + "}]");
        var renamed = await server.Admin.SendAsync(HttpMethod.Patch, $"{ClientsPath}/{id}", """[{"op":"replace","path":"/client_name","value":"renamed"}]""");

        Assert.True(JsonNode.DeepEquals(deepest, fetched["metadata"]));
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.True(JsonNode.DeepEquals(deepest, JsonNode.Parse(listed.Body)!.AsArray().Single()!["metadata"]));
        AssertInvalidClientMetadata(deeper, "Field metadata must nest at most 32 levels deep.");
        AssertError(beyondAnyBody, HttpStatusCode.BadRequest, Malformed, "Unable to decode the request body: the document nests deeper than 64 levels.");
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.True(JsonNode.DeepEquals(deepest, JsonNode.Parse(renamed.Body)!["metadata"]));
    }

    [Fact]
    public async Task Create_TenMegabyteName_Is413InHydraFormat_AndNothingIsStored()
    {
        var name = "huge-" + Guid.NewGuid().ToString("N");
        var body = System.Text.Encoding.ASCII.GetBytes("{\"client_name\":\"" + name + new string('x', 10 * 1024 * 1024) + "\"}");

        // Refused before the body is read, so the server closes the connection while an HTTP client still sends.
        var response = await Hostile.RawHttp.SendAsync(server.AdminPort, "POST", ClientsPath, "application/json", body);

        Assert.Equal(413, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
        var error = JsonNode.Parse(response.Body)!.AsObject();
        Assert.Equal(Malformed, error["error"].Text());
        Assert.Contains("1048576 bytes", error["error_description"].Text(), StringComparison.Ordinal);
        var list = await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}?client_name={name}");
        Assert.Equal("[]", list.Body.Trim());
    }

    [Theory]
    [InlineData("""{"redirect_uris":"http://localhost/cb"}""", "Unable to decode the request body: field redirect_uris must be an array of strings.")]
    [InlineData("""{"redirect_uris":["http://localhost/cb",5]}""", "Unable to decode the request body: field redirect_uris[1] must be a string.")]
    [InlineData("""{"client_name":5}""", "Unable to decode the request body: field client_name must be a string.")]
    [InlineData("""{"skip_consent":"yes"}""", "Unable to decode the request body: field skip_consent must be true or false.")]
    [InlineData("""{"client_secret_expires_at":"soon"}""", "Unable to decode the request body: field client_secret_expires_at must be a number.")]
    [InlineData("""{"created_at":42}""", "Unable to decode the request body: field created_at must be an RFC 3339 timestamp string.")]
    [InlineData("""[]""", "Unable to decode the request body: the body must be a JSON object.")]
    [InlineData("""null""", "Unable to decode the request body: the body must be a JSON object.")]
    [InlineData("""{"client_name":"a",}""", "Unable to decode the request body: the body is not valid JSON, or nests deeper than 64 levels (line 1, byte 20).")]
    public async Task Create_WrongShape_Is400Malformed_NamingTheFieldNotADotNetType(string body, string description)
    {
        var response = await server.PostClientAsync(body);

        AssertError(response, HttpStatusCode.BadRequest, Malformed, description);
    }

    [Fact]
    public async Task PutPatchAndLifespans_EnforceTheSameLimits_AndLeaveTheClientUnchanged()
    {
        var client = await server.CreateAsync(Body("""{"client_name":"before","scope":"openid"}"""));
        var id = client["client_id"].Text();

        var put = await server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}", """{"client_name":"bad\u0000name"}""");
        var patch = await server.Admin.SendAsync(HttpMethod.Patch, $"{ClientsPath}/{id}",
            $$"""[{"op":"replace","path":"/scope","value":"{{string.Join(' ', Enumerable.Range(0, 300).Select(i => $"s{i}"))}}"}]""");
        var lifespans = await server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}/lifespans", """{"client_credentials_grant_access_token_lifespan":"-5s"}""");
        var patchType = await server.Admin.SendAsync(HttpMethod.Patch, $"{ClientsPath}/{id}", """[{"op":"replace","path":"/redirect_uris","value":"not a list"}]""");
        var patchOp = await server.Admin.SendAsync(HttpMethod.Patch, $"{ClientsPath}/{id}", """[{"op":5,"path":"/client_name"}]""");
        var lifespanType = await server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}/lifespans", """{"implicit_grant_id_token_lifespan":["1h"]}""");

        AssertInvalidClientMetadata(put, "Field client_name must not contain control characters.");
        AssertInvalidClientMetadata(patch, "Field scope must list at most 256 scopes.");
        AssertInvalidClientMetadata(lifespans, "Field client_credentials_grant_access_token_lifespan must be a duration between 0s and 87600h0m0s.");
        AssertError(patchType, HttpStatusCode.BadRequest, Malformed, "Unable to decode the request body: field redirect_uris must be an array of strings.");
        AssertError(patchOp, HttpStatusCode.BadRequest, Malformed, "Unable to apply the JSON Patch: Each JSON Patch operation must be an object whose op and path are strings.");
        AssertError(lifespanType, HttpStatusCode.BadRequest, Malformed, "Unable to decode the request body: field implicit_grant_id_token_lifespan must be a string.");
        var stored = await server.GetClientAsync(id);
        Assert.Equal("before", stored["client_name"].Text());
        Assert.Equal("openid", stored["scope"].Text());
        Assert.Null(stored["client_credentials_grant_access_token_lifespan"]);
    }

    [Fact]
    public async Task LoginAndConsentAnswers_OfTheWrongShape_Are400Malformed_NamingTheField()
    {
        var flowClient = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(flowClient, "openid", Pkce.NewVerifier()));
        var path = $"/admin/oauth2/auth/requests/login/accept?login_challenge={challenge}";

        var remember = await server.Admin.SendAsync(HttpMethod.Put, path, """{"subject":"someone","remember":"yes"}""");
        var amr = await server.Admin.SendAsync(HttpMethod.Put, path, """{"subject":"someone","amr":"pwd"}""");
        var deep = await server.Admin.SendAsync(HttpMethod.Put, path, new string('[', 5000) + new string(']', 5000));
        var longSubject = await server.Admin.SendAsync(HttpMethod.Put, path, "{\"subject\":\"" + new string('s', 401) + "\"}");
        var nulSubject = await server.Admin.SendAsync(HttpMethod.Put, path, "{\"subject\":\"a\\u0000b\"}");

        AssertError(remember, HttpStatusCode.BadRequest, Malformed, "Unable to decode the request body: field remember must be true or false.");
        AssertError(amr, HttpStatusCode.BadRequest, Malformed, "Unable to decode the request body: field amr must be an array of strings.");
        AssertError(deep, HttpStatusCode.BadRequest, Malformed, descriptionContains: "nests deeper than 64 levels");
        AssertError(longSubject, HttpStatusCode.BadRequest, "invalid_request", "Field 'subject' must be at most 400 characters long, without control characters.");
        AssertError(nulSubject, HttpStatusCode.BadRequest, "invalid_request", "Field 'subject' must be at most 400 characters long, without control characters.");
        // None of them answered the login: it is still open.
        Assert.Equal(challenge, (await server.LoginRequestAsync(challenge))["challenge"].Text());
    }
}

public sealed class SqliteClientLimitsTests(SqliteServerFixture server) : ClientLimitsTests<SqliteServerFixture>(server);

public sealed class PostgresClientLimitsTests(PostgresServerFixture server) : ClientLimitsTests<PostgresServerFixture>(server);
