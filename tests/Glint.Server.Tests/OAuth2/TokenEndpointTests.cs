using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.OAuth2;

public abstract class TokenEndpointTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static readonly Dictionary<string, string> ReadScope = new() { ["grant_type"] = "client_credentials", ["scope"] = "read" };

    private Task<JsonObject> CreateClientAsync(string method = "client_secret_basic", string scope = "read write", string? strategy = null, string[]? audience = null) =>
        server.CreateClientAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { "client_credentials" },
            ["scope"] = scope,
            ["token_endpoint_auth_method"] = method,
            ["access_token_strategy"] = strategy ?? "",
            ["audience"] = audience ?? [],
        });

    [Fact]
    public async Task ClientCredentials_WithBasicAuth_IssuesPrefixedOpaqueToken()
    {
        var client = await CreateClientAsync();
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), ReadScope);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("glint_at_", body["access_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("bearer", body["token_type"]!.GetValue<string>().ToLowerInvariant());
        Assert.Equal("read", body["scope"]!.GetValue<string>());
        Assert.InRange(body["expires_in"]!.GetValue<int>(), 3500, 3600);
        Assert.Null(body["refresh_token"]);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task ClientCredentials_WithSecretPostClient_AcceptsBodyCredentials()
    {
        var client = await CreateClientAsync("client_secret_post");
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), ReadScope, basic: false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("client_secret_basic", false)]
    [InlineData("client_secret_post", true)]
    public async Task ClientCredentials_WithOtherThanRegisteredAuthMethod_IsInvalidClient(string registered, bool sendBasic)
    {
        var client = await CreateClientAsync(registered);
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), ReadScope, basic: sendBasic);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.Contains($"supports client authentication method '{registered}'", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCredentials_WithWrongSecret_IsInvalidClientWithChallenge()
    {
        var client = await CreateClientAsync();
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), "not-the-secret", ReadScope);
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task ClientCredentials_WithUnknownClient_IsInvalidClient()
    {
        using var response = await server.TokenAsync(Guid.NewGuid().ToString(), "whatever-secret", ReadScope);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.ReadJsonAsync())["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("tab\tbed")]
    [InlineData("longer-than-any-stored-client-id-longer-than-any-stored-client-id-longer-than-any-stored-client-id-x")]
    public async Task ClientCredentials_WithAClientIdNoClientCanHave_IsInvalidClient(string clientId)
    {
        // The same answer on both databases: PostgreSQL refuses even to compare a NUL, which must not reach it.
        using var response = await server.TokenAsync(clientId, "whatever-secret", ReadScope);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.ReadJsonAsync())["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_WithScopeOutsideClientScope_IsInvalidScope()
    {
        var client = await CreateClientAsync(scope: "read");
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(),
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read write" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", (await response.ReadJsonAsync())["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientCredentials_WithWildcardClientScope_GrantsMatchingScope()
    {
        var client = await CreateClientAsync(scope: "wallet.*");
        var id = client["client_id"]!.GetValue<string>();
        var secret = client["client_secret"]!.GetValue<string>();

        using var allowed = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "wallet.read" });
        using var refused = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "wallet" });

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task ClientCredentials_ForClientWithoutTheGrant_IsUnauthorizedClient()
    {
        var client = await server.CreateClientAsync(new { grant_types = new[] { "authorization_code" }, scope = "read" });
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), ReadScope);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", (await response.ReadJsonAsync())["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("password", "unsupported_grant_type")]
    [InlineData("urn:example:unknown", "unsupported_grant_type")]
    [InlineData("", "invalid_request")]
    public async Task Token_WithUnsupportedOrMissingGrantType_IsRfc6749Error(string grantType, string error)
    {
        var client = await CreateClientAsync();
        var form = grantType.Length == 0 ? new Dictionary<string, string> { ["scope"] = "read" } : new Dictionary<string, string> { ["grant_type"] = grantType };
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.Null(body["error_uri"]);
    }

    [Fact]
    public async Task Token_WithMalformedBasicHeader_IsAnOAuthErrorNotServerError()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(ReadScope),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not-base64");
        using var response = await server.Public.SendAsync(request);

        Assert.InRange((int)response.StatusCode, 400, 401);
        Assert.NotNull((await response.ReadJsonAsync())["error"]);
    }

    [Fact]
    public async Task ClientCredentials_ForPublicClient_IsRefused()
    {
        var client = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read", token_endpoint_auth_method = "none" });
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), null, ReadScope, basic: false);

        Assert.InRange((int)response.StatusCode, 400, 401);
        Assert.Null((await response.ReadJsonAsync())["access_token"]);
    }

    [Fact]
    public async Task ClientCredentials_WithRegisteredAudience_PutsItInTheToken()
    {
        var client = await CreateClientAsync(audience: ["https://api.example"]);
        var id = client["client_id"]!.GetValue<string>();
        var secret = client["client_secret"]!.GetValue<string>();

        using var empty = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["audience"] = "" });
        using var allowed = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["audience"] = "https://api.example" });
        using var refused = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["audience"] = "https://elsewhere.example" });

        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_request", (await refused.ReadJsonAsync())["error"]!.GetValue<string>());

        var introspection = await server.IntrospectAsync((await allowed.ReadJsonAsync())["access_token"]!.GetValue<string>());
        Assert.Equal(["https://api.example"], introspection["aud"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task ClientCredentials_ForJwtClient_IssuesJwtSignedWithPublishedKey()
    {
        var client = await CreateClientAsync(strategy: "jwt");
        using var response = await server.TokenAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), ReadScope);
        var token = (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();

        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Convert.FromBase64String(Pad(parts[0])))!;
        var payload = JsonNode.Parse(Convert.FromBase64String(Pad(parts[1])))!;
        var jwks = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/jwks.json"))!;

        Assert.Equal("RS256", header["alg"]!.GetValue<string>());
        Assert.Contains(header["kid"]!.GetValue<string>(), jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()));
        Assert.Equal(client["client_id"]!.GetValue<string>(), payload["sub"]!.GetValue<string>());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}", payload["iss"]!.GetValue<string>());
        Assert.Equal("at+jwt", header["typ"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(payload["jti"]!.GetValue<string>()));
        Assert.DoesNotContain(payload.AsObject(), claim => claim.Key.StartsWith("oi_", StringComparison.Ordinal));
        var introspection = await server.IntrospectAsync(token);
        Assert.True(introspection["active"]!.GetValue<bool>());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}", introspection["iss"]!.GetValue<string>());
        Assert.DoesNotContain(introspection, claim => claim.Key.StartsWith("oi_", StringComparison.Ordinal));
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
    }
}

public sealed class SqliteTokenEndpointTests(SqliteServerFixture server) : TokenEndpointTests<SqliteServerFixture>(server);

public sealed class PostgresTokenEndpointTests(PostgresServerFixture server) : TokenEndpointTests<PostgresServerFixture>(server);
