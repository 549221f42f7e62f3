using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Server.Tests.OAuth2;

/// <summary>A client's RSA key pair: the public half as a JWK for its registration, the private half to sign assertions.</summary>
/// <param name="keyId">The key's id; a new one by default.</param>
public sealed class ClientKey(string? keyId = null) : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public string KeyId { get; } = keyId ?? "key-" + Guid.NewGuid().ToString("N")[..8];

    public JsonObject PublicJwk()
    {
        var parameters = _rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = KeyId,
            ["n"] = Base64Url.EncodeToString(parameters.Modulus),
            ["e"] = Base64Url.EncodeToString(parameters.Exponent),
        };
    }

    public JsonObject KeySet() => new() { ["keys"] = new JsonArray(PublicJwk()) };

    /// <summary>
    /// A client assertion (RFC 7523): by default iss = sub = <paramref name="clientId"/>, a fresh jti, five minutes to
    /// live; <paramref name="change"/> edits the claims before signing (a removed claim is left out) and
    /// <paramref name="header"/> adds to the JOSE header.
    /// </summary>
    public string Assertion(
        string clientId, string audience, Action<Dictionary<string, object>>? change = null, string algorithm = SecurityAlgorithms.RsaSha256,
        Action<Dictionary<string, object>>? header = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = audience,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var headers = new Dictionary<string, object>(StringComparer.Ordinal);
        header?.Invoke(headers);
        return handler.CreateToken(JsonSerializer.Serialize(claims), new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = KeyId }, algorithm), headers);
    }

    public void Dispose() => _rsa.Dispose();
}

/// <summary>A client's <c>jwks_uri</c>: a loopback listener that serves one key set and counts how often it is asked.</summary>
public sealed class KeySetHost : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private int _requests;

    public KeySetHost(JsonObject keySet)
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/jwks.json";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        var body = Encoding.UTF8.GetBytes(keySet.ToJsonString());
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }

                Interlocked.Increment(ref _requests);
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class PrivateKeyJwtCalls
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>A <c>client_credentials</c> client that authenticates with <c>private_key_jwt</c>; returns its id.</summary>
    public static async Task<string> CreateKeyClientAsync(this GlintServerFixture server, JsonObject keys, string? signingAlg = null)
    {
        var body = new JsonObject
        {
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "read",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks"] = keys,
        };
        if (signingAlg is not null)
        {
            body["token_endpoint_auth_signing_alg"] = signingAlg;
        }

        var created = await server.CreateClientAsync(body.ToJsonString());
        return created["client_id"]!.GetValue<string>();
    }

    public static Task<HttpResponseMessage> TokenWithAssertionAsync(this GlintServerFixture server, string clientId, string assertion) =>
        server.Public.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "read",
            ["client_id"] = clientId,
            ["client_assertion_type"] = AssertionType,
            ["client_assertion"] = assertion,
        }));

    public static async Task AssertInvalidClientAsync(HttpResponseMessage response, string descriptionContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected 401 invalid_client, got {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
        Assert.Contains(descriptionContains, body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(body["access_token"]);
    }
}

/// <summary>
/// <c>private_key_jwt</c> (RFC 7523 client authentication) at the token endpoint, with the client's keys registered
/// as <c>jwks</c> or published at its <c>jwks_uri</c>.
/// </summary>
public abstract class PrivateKeyJwtTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private string TokenEndpoint => $"http://127.0.0.1:{server.PublicPort}/oauth2/token";

    private string Issuer => $"http://127.0.0.1:{server.PublicPort}";

    [Fact]
    public async Task Assertion_ForTheTokenEndpoint_GetsAToken()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var token = JsonNode.Parse(text)!["access_token"]!.GetValue<string>();
        var introspection = await server.IntrospectAsync(token);
        Assert.True(introspection["active"]!.GetValue<bool>());
        Assert.Equal(clientId, introspection["client_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Assertion_ForTheIssuer_GetsAToken()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, Issuer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Assertion_ForIssuerAndTokenEndpointBoth_GetsAToken()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims => claims["aud"] = new[] { Issuer, TokenEndpoint }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Assertion_AtThePushedAuthorizationEndpoint_PushesTheRequest()
    {
        using var key = new ClientKey();
        var created = await server.CreateClientAsync(new JsonObject
        {
            ["grant_types"] = new JsonArray("authorization_code"),
            ["scope"] = "read",
            ["redirect_uris"] = new JsonArray("http://127.0.0.1:9999/cb"),
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks"] = key.KeySet(),
        }.ToJsonString());
        var clientId = created["client_id"]!.GetValue<string>();
        var parEndpoint = $"http://127.0.0.1:{server.PublicPort}/oauth2/par";

        using var response = await server.Public.PostAsync("/oauth2/par", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["client_assertion_type"] = PrivateKeyJwtCalls.AssertionType,
            ["client_assertion"] = key.Assertion(clientId, parEndpoint),
            ["response_type"] = "code",
            ["redirect_uri"] = "http://127.0.0.1:9999/cb",
            ["scope"] = "read",
            ["state"] = Guid.NewGuid().ToString("N"),
        }));
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", JsonNode.Parse(text)!["request_uri"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assertion_Replayed_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());
        var assertion = key.Assertion(clientId, TokenEndpoint);
        using var first = await server.TokenWithAssertionAsync(clientId, assertion);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var replayed = await server.TokenWithAssertionAsync(clientId, assertion);

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(replayed, "jti");
    }

    [Fact]
    public async Task Assertion_SameJtiInANewAssertion_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());
        var jti = Guid.NewGuid().ToString();
        using var first = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims => claims["jti"] = jti));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var again = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, Issuer, claims => claims["jti"] = jti));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(again, "jti");
    }

    [Fact]
    public async Task Assertion_ForAnotherAudience_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, "https://elsewhere.example/oauth2/token"));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "aud");
    }

    [Fact]
    public async Task Assertion_SignedWithAnotherKey_IsInvalidClient()
    {
        using var registered = new ClientKey();
        using var other = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(registered.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, other.Assertion(clientId, TokenEndpoint));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "registered keys");
    }

    [Fact]
    public async Task Assertion_OfAnotherClient_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());
        var otherId = await server.CreateKeyClientAsync(key.KeySet());

        // Signed with a key both registered, but issued as the other client.
        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(otherId, TokenEndpoint));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "iss and sub");
    }

    [Fact]
    public async Task Assertion_SubjectNotTheClient_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims => claims["sub"] = "someone-else"));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "iss and sub");
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("exp")]
    public async Task Assertion_WithoutRequiredClaim_IsInvalidClient(string claim)
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims => claims.Remove(claim)));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, claim);
    }

    [Theory]
    [InlineData("exp", long.MinValue)]
    [InlineData("exp", long.MaxValue)]
    [InlineData("exp", 253402300799)]
    [InlineData("exp", -62135596801)]
    [InlineData("iat", long.MinValue)]
    [InlineData("iat", 253402300800)]
    [InlineData("nbf", long.MaxValue)]
    public async Task Assertion_WithADateNoCalendarHolds_IsInvalidClient(string claim, long seconds)
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims => claims[claim] = seconds));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, $"its {claim} must be a date");
    }

    [Theory]
    [InlineData("iat")]
    [InlineData("nbf")]
    public async Task Assertion_IssuedOrValidOnlyInTheFuture_IsInvalidClient(string claim)
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());
        var now = DateTimeOffset.UtcNow;

        using var ahead = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims =>
        {
            claims[claim] = now.AddMinutes(30).ToUnixTimeSeconds();
            claims["exp"] = now.AddMinutes(40).ToUnixTimeSeconds();
        }));
        // A client clock a minute fast is not refused.
        using var skewed = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims => claims[claim] = now.AddMinutes(1).ToUnixTimeSeconds()));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(ahead, "its iat and nbf must not be in the future");
        Assert.Equal(HttpStatusCode.OK, skewed.StatusCode);
    }

    [Fact]
    public async Task Assertion_WithACriticalHeader_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var refused = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, header: DpopTestData.CriticalExtension));
        await PrivateKeyJwtCalls.AssertInvalidClientAsync(refused, "crit");

        using var accepted = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, header: headers => headers["urn:example:unknown"] = true));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Theory]
    [InlineData("/oauth2/revoke")]
    [InlineData("/oauth2/device/auth")]
    [InlineData("/oauth2/par")]
    public async Task Assertion_WithACriticalHeader_IsInvalidClientWhereverClientsAuthenticate(string path)
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());
        var form = new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["client_assertion_type"] = PrivateKeyJwtCalls.AssertionType,
            ["client_assertion"] = key.Assertion(clientId, Issuer, header: DpopTestData.CriticalExtension),
            ["scope"] = "read",
            ["token"] = "glint_at_some-token",
            ["response_type"] = "code",
            ["redirect_uri"] = "http://127.0.0.1:9999/cb",
        };

        using var response = await server.Public.PostAsync(path, new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "crit");
    }

    [Fact]
    public async Task Assertion_Expired_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());
        var past = DateTimeOffset.UtcNow.AddMinutes(-10);

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, claims =>
        {
            claims["iat"] = past.AddMinutes(-5).ToUnixTimeSeconds();
            claims["exp"] = past.ToUnixTimeSeconds();
        }));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "unexpired");
    }

    [Fact]
    public async Task Assertion_ExpiringTooFarAhead_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint,
            claims => claims["exp"] = DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds()));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "exp");
    }

    [Fact]
    public async Task Assertion_WithAlgorithmOtherThanRegistered_IsInvalidClient()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet(), signingAlg: "RS512");

        using var refused = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint));
        await PrivateKeyJwtCalls.AssertInvalidClientAsync(refused, "RS512");

        using var accepted = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint, algorithm: SecurityAlgorithms.RsaSha512));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task SecretClient_SendingAnAssertion_IsInvalidClient()
    {
        using var key = new ClientKey();
        var created = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read" });
        var clientId = created["client_id"]!.GetValue<string>();

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "private_key_jwt");
    }

    [Fact]
    public async Task KeyClient_SendingNoAssertion_IsRefused()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());

        using var response = await server.TokenAsync(clientId, null, new Dictionary<string, string> { ["grant_type"] = "client_credentials" }, basic: false);
        var body = await response.ReadJsonAsync();

        // client_credentials without any credential is a malformed request, whatever the client.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        Assert.Contains("client_assertion", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    public async Task KeyClient_SendingTheGeneratedSecret_IsInvalidClient()
    {
        using var key = new ClientKey();
        var created = await server.CreateClientAsync(new JsonObject
        {
            ["grant_types"] = new JsonArray("client_credentials"),
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks"] = key.KeySet(),
        }.ToJsonString());

        using var response = await server.TokenAsync(created["client_id"]!.GetValue<string>(), created["client_secret"]?.GetValue<string>() ?? "x",
            new Dictionary<string, string> { ["grant_type"] = "client_credentials" });

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "private_key_jwt");
    }

    [Fact]
    public async Task JwksUri_KeysFetchedOnceAndUsed()
    {
        using var key = new ClientKey();
        await using var host = new KeySetHost(key.KeySet());
        var created = await server.CreateClientAsync(new JsonObject
        {
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "read",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks_uri"] = host.Url,
            ["token_endpoint_auth_signing_alg"] = "RS256",
        }.ToJsonString());
        var clientId = created["client_id"]!.GetValue<string>();
        Assert.Equal(host.Url, created["jwks_uri"]!.GetValue<string>());
        Assert.Equal("RS256", created["token_endpoint_auth_signing_alg"]!.GetValue<string>());

        using var first = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint));
        using var second = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, host.Requests);
    }

    [Fact]
    public async Task JwksUri_Unreachable_IsInvalidClient()
    {
        using var key = new ClientKey();
        var created = await server.CreateClientAsync(new JsonObject
        {
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "read",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks_uri"] = "http://127.0.0.1:9/jwks.json",
        }.ToJsonString());
        var clientId = created["client_id"]!.GetValue<string>();

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, TokenEndpoint));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "registered keys");
    }

    [Fact]
    public async Task AdminApi_KeepsTheKeyFields()
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet(), signingAlg: "PS256");

        using var response = await server.Admin.GetAsync($"/admin/clients/{clientId}");
        var client = await response.ReadJsonAsync();

        Assert.Equal("private_key_jwt", client["token_endpoint_auth_method"]!.GetValue<string>());
        Assert.Equal("PS256", client["token_endpoint_auth_signing_alg"]!.GetValue<string>());
        Assert.Equal(key.KeyId, client["jwks"]!["keys"]![0]!["kid"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    public async Task AdminApi_RefusesSymmetricOrNoSigningAlg(string algorithm)
    {
        using var key = new ClientKey();
        using var response = await server.Admin.PostAsync("/admin/clients", HydraClientCalls.Json(new JsonObject
        {
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks"] = key.KeySet(),
            ["token_endpoint_auth_signing_alg"] = algorithm,
        }.ToJsonString()));
        var body = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client_metadata", body["error"]!.GetValue<string>());
        Assert.Contains("token_endpoint_auth_signing_alg", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApi_RefusesAJwksUriThatIsNoUrl()
    {
        using var response = await server.Admin.PostAsync("/admin/clients", HydraClientCalls.Json("""{"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"not a url"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("jwks_uri", (await response.ReadJsonAsync())["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}

// The key sets these tests publish are on loopback, which only an operator allowing private targets lets Glint reach.
public sealed class SqlitePrivateKeyJwtTests(SqlitePrivateTargetsServer server) : PrivateKeyJwtTests<SqlitePrivateTargetsServer>(server);

public sealed class PostgresPrivateKeyJwtTests(PostgresPrivateTargetsServer server) : PrivateKeyJwtTests<PostgresPrivateTargetsServer>(server);

/// <summary><c>webhooks.allow_private_targets</c>: a client's <c>jwks_uri</c> may be on loopback.</summary>
public sealed class SqlitePrivateTargetsServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { [Glint.Server.Hosting.ConfigurationKeys.WebhooksAllowPrivateTargets] = "true" };
}

public sealed class PostgresPrivateTargetsServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { [Glint.Server.Hosting.ConfigurationKeys.WebhooksAllowPrivateTargets] = "true" };
}

/// <summary>
/// Without the operator's leave, a <c>jwks_uri</c> on a loopback or private address is never fetched, as a callback URL
/// on one is never called: the address is refused when connecting, and the assertion is <c>invalid_client</c>.
/// </summary>
public abstract class PrivateJwksUriTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task JwksUri_OnLoopback_IsNeverFetched_AndTheAssertionIsInvalidClient()
    {
        using var key = new ClientKey();
        await using var host = new KeySetHost(key.KeySet());
        var created = await server.CreateClientAsync(new JsonObject
        {
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "read",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks_uri"] = host.Url,
        }.ToJsonString());
        var clientId = created["client_id"]!.GetValue<string>();

        using var response = await server.TokenWithAssertionAsync(clientId, key.Assertion(clientId, $"http://127.0.0.1:{server.PublicPort}/oauth2/token"));

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "registered keys");
        Assert.Equal(0, host.Requests);
    }
}

public sealed class SqlitePrivateJwksUriTests(SqliteServerFixture server) : PrivateJwksUriTests<SqliteServerFixture>(server);

public sealed class PostgresPrivateJwksUriTests(PostgresServerFixture server) : PrivateJwksUriTests<PostgresServerFixture>(server);

/// <summary>Two nodes on one PostgreSQL database: an assertion used on one is refused on the other.</summary>
public sealed class PostgresPrivateKeyJwtAcrossNodesTests : TwoPostgresNodes
{
    [Fact]
    public async Task Assertion_UsedOnOneNode_IsRefusedOnTheOther()
    {
        using var key = new ClientKey();
        var clientId = await Nodes[0].CreateKeyClientAsync(key.KeySet());
        var assertion = key.Assertion(clientId, Issuer + "/oauth2/token");

        using var first = await Nodes[1].TokenWithAssertionAsync(clientId, assertion);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var replayed = await Nodes[0].TokenWithAssertionAsync(clientId, assertion);
        await PrivateKeyJwtCalls.AssertInvalidClientAsync(replayed, "jti");
    }
}
