using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// The JWT-bearer grant (RFC 7523 §2.1) with Hydra's trust relationships: an operator trusts an issuer's key for a
/// subject (or any) and some scopes; a client with the grant trades the issuer's signed assertion for an access token
/// whose subject is the assertion's, once per assertion.
/// </summary>
public abstract class JwtBearerGrantTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string TrustPath = "/admin/trust/grants/jwt-bearer/issuers";

    private string TokenEndpoint => $"http://127.0.0.1:{server.PublicPort}/oauth2/token";

    [Fact]
    public async Task TrustedAssertion_GetsAnAccessTokenForItsSubject_ThatTheApiServes()
    {
        var user = await server.NewUserAsync(sats: 1_000);
        using var key = new ClientKey();
        var issuer = NewIssuer();
        await TrustAsync(issuer, key, subject: user.UserId.ToString(), scope: ["read", "write"]);
        var clientId = await GrantClientAsync();

        using var response = await TokenAsync(clientId, Assertion(key, issuer, user.UserId.ToString()), "read", ["https://api.example", "https://unregistered.example"]);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("read", body["scope"]!.GetValue<string>());
        Assert.Null(body["refresh_token"]);
        Assert.Null(body["id_token"]);
        var token = body["access_token"]!.GetValue<string>();
        var introspection = await server.IntrospectAsync(token);
        Assert.True(introspection["active"]!.GetValue<bool>());
        Assert.Equal(user.UserId.ToString(), introspection["sub"]!.GetValue<string>());
        Assert.Equal(clientId.Id, introspection["client_id"]!.GetValue<string>());
        var audiences = introspection["aud"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains(TokenEndpoint, audiences);
        Assert.Contains("https://api.example", audiences);
        Assert.DoesNotContain("https://unregistered.example", audiences);
        var me = await server.DataAsync(token, "query { me { defaultAccount { wallets { walletCurrency balance } } } }");
        Assert.Contains(me["me"]!["defaultAccount"]!["wallets"]!.AsArray(), wallet => wallet!["balance"]!.GetValue<long>() == 1_000);
    }

    [Fact]
    public async Task Assertion_WorksOnce()
    {
        using var key = new ClientKey();
        var issuer = NewIssuer();
        await TrustAsync(issuer, key, subject: "alice");
        var clientId = await GrantClientAsync();
        var assertion = Assertion(key, issuer, "alice");

        using var first = await TokenAsync(clientId, assertion);
        using var second = await TokenAsync(clientId, assertion);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertRefusedAsync(second, "invalid_grant", "has already been used");
    }

    [Fact]
    public async Task Assertion_IsRefused_UnlessATrustedKeySignedItForItsSubject()
    {
        using var key = new ClientKey();
        var issuer = NewIssuer();
        await TrustAsync(issuer, key, subject: "alice");
        var clientId = await GrantClientAsync();
        using var stranger = new ClientKey(key.KeyId);

        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "bob")), "invalid_grant", "No public JWK was registered for issuer");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, NewIssuer(), "alice")), "invalid_grant", "No public JWK was registered for issuer");
        // The trusted key's id, another key's signature.
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(stranger, issuer, "alice")),
            "invalid_grant", "Unable to verify the integrity");
        await AssertRefusedAsync(await TokenAsync(clientId, "not-a-jwt"), "invalid_grant", "Unable to parse");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer + "\0", "alice")), "invalid_grant", "No public JWK");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer + "\ud800", "alice")), "invalid_grant", "No public JWK");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice\udc00")), "invalid_grant", "No public JWK");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, new string('s', 5_000))), "invalid_grant", "No public JWK");
    }

    [Fact]
    public async Task AnySubjectTrust_AcceptsEverySubject_AndAnExpiredOrDeletedTrustNone()
    {
        using var key = new ClientKey();
        using var lapsed = new ClientKey();
        var issuer = NewIssuer();
        var trust = await TrustAsync(issuer, key, allowAnySubject: true);
        await TrustAsync(issuer, lapsed, subject: "alice", expiresAt: DateTimeOffset.UtcNow.AddHours(-1));
        var clientId = await GrantClientAsync();

        using var bob = await TokenAsync(clientId, Assertion(key, issuer, "bob"));
        using var carol = await TokenAsync(clientId, Assertion(key, issuer, "carol"));
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(lapsed, issuer, "alice")), "invalid_grant", "No public JWK");
        using var deleted = await server.Admin.DeleteAsync($"{TrustPath}/{trust["id"]}");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "bob")), "invalid_grant", "No public JWK");

        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        Assert.Equal(HttpStatusCode.OK, carol.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Theory]
    [InlineData("aud", "MUST contain an 'aud'")]
    [InlineData("exp", "MUST contain an 'exp'")]
    [InlineData("iat", "MUST contain an 'iat'")]
    [InlineData("jti", "MUST contain an 'jti'")]
    public async Task Assertion_WithoutARequiredClaim_IsRefused(string claim, string description)
    {
        using var key = new ClientKey();
        var issuer = NewIssuer();
        await TrustAsync(issuer, key, subject: "alice");
        var clientId = await GrantClientAsync();

        using var response = await TokenAsync(clientId, Assertion(key, issuer, "alice", claims => claims.Remove(claim)));

        await AssertRefusedAsync(response, "invalid_grant", description);
    }

    [Fact]
    public async Task Assertion_OutsideItsTimesOrForAnotherAudience_IsRefused()
    {
        using var key = new ClientKey();
        var issuer = NewIssuer();
        await TrustAsync(issuer, key, subject: "alice");
        var clientId = await GrantClientAsync();
        var now = DateTimeOffset.UtcNow;

        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["aud"] = "https://elsewhere.example/token")),
            "invalid_grant", $"containing a value '{TokenEndpoint}'");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds())),
            "invalid_grant", "expired");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["nbf"] = now.AddMinutes(3).ToUnixTimeSeconds())),
            "invalid_grant", "'nbf' (not before)");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["exp"] = now.AddDays(31).ToUnixTimeSeconds())),
            "invalid_grant", "unreasonably far in the future");
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["exp"] = 1e300)),
            "invalid_grant", "Unable to parse");
        foreach (var date in new object[] { long.MinValue, long.MaxValue, 253402300800L, -62135596801L })
        {
            await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["iat"] = date)), "invalid_grant", "assertion");
            await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["exp"] = date)), "invalid_grant", "assertion");
            await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["nbf"] = date)), "invalid_grant", "assertion");
        }
        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["iat"] = now.AddMinutes(10).ToUnixTimeSeconds())),
            "invalid_grant", "that is in the future");
        // The issuer's identifier is an audience too (RFC 7523 §3).
        using var forIssuer = await TokenAsync(clientId, Assertion(key, issuer, "alice", c => c["aud"] = new[] { "https://elsewhere.example", $"http://127.0.0.1:{server.PublicPort}" }));
        Assert.Equal(HttpStatusCode.OK, forIssuer.StatusCode);
    }

    [Fact]
    public async Task Request_ForAScopeTheTrustLacks_OrFromAClientWithoutTheGrant_OrWithoutAssertion_IsRefused()
    {
        using var key = new ClientKey();
        var issuer = NewIssuer();
        await TrustAsync(issuer, key, subject: "alice", scope: ["read"]);
        var clientId = await GrantClientAsync();
        var other = await server.CreateClientAsync(new JsonObject
        {
            ["grant_types"] = new JsonArray("client_credentials"),
            ["scope"] = "read write",
            ["token_endpoint_auth_method"] = "client_secret_post",
        }.ToJsonString());

        await AssertRefusedAsync(await TokenAsync(clientId, Assertion(key, issuer, "alice"), "read write"), "invalid_scope", "is not allowed to request scope 'write'");
        await AssertRefusedAsync(await TokenAsync(clientId, null), "invalid_request", "The assertion request parameter must be set");
        using var stranger = await server.Public.PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = GrantType,
            ["assertion"] = Assertion(key, issuer, "alice"),
            ["client_id"] = other["client_id"]!.GetValue<string>(),
            ["client_secret"] = other["client_secret"]!.GetValue<string>(),
        }));
        await AssertRefusedAsync(stranger, "unauthorized_client", GrantType);
    }

    [Fact]
    public async Task TrustApi_CreatesListsGetsAndDeletes_AsHydraDoes()
    {
        using var key = new ClientKey();
        var issuer = NewIssuer();
        var expires = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);

        var created = await TrustAsync(issuer, key, subject: "alice", scope: ["read", "write"], expiresAt: expires.AddMilliseconds(250));
        var id = created["id"]!.GetValue<string>();
        var got = await server.Admin.GetAsync($"{TrustPath}/{id}");
        var listed = await server.Admin.GetAsync($"{TrustPath}?issuer={Uri.EscapeDataString(issuer)}");
        var listedBody = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!.AsArray();
        var duplicate = await PostTrustAsync(TrustBody(issuer, key, subject: "alice", scope: ["read"]));
        var deleted = await server.Admin.DeleteAsync($"{TrustPath}/{id}");
        var gone = await server.Admin.GetAsync($"{TrustPath}/{id}");
        var deletedAgain = await server.Admin.DeleteAsync($"{TrustPath}/{id}");
        var notAnId = await server.Admin.GetAsync($"{TrustPath}/not-a-uuid");

        Assert.Equal(issuer, created["issuer"]!.GetValue<string>());
        Assert.Equal("alice", created["subject"]!.GetValue<string>());
        Assert.False(created["allow_any_subject"]!.GetValue<bool>());
        Assert.Equal(["read", "write"], created["scope"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal(issuer, created["public_key"]!["set"]!.GetValue<string>());
        Assert.Equal(key.KeyId, created["public_key"]!["kid"]!.GetValue<string>());
        Assert.Equal("2031-05-06T07:08:09Z", created["expires_at"]!.GetValue<string>());
        Assert.NotNull(created["created_at"]);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.True(JsonNode.DeepEquals(created, JsonNode.Parse(await got.Content.ReadAsStringAsync())));
        Assert.Equal(id, Assert.Single(listedBody)!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notAnId.StatusCode);
    }

    [Theory]
    [InlineData("no-issuer", "missing_required_parameter", "Field 'issuer' is required.")]
    [InlineData("no-subject", "missing_required_parameter", "One of 'subject' or 'allow_any_subject' field must be set.")]
    [InlineData("both-subjects", "missing_required_parameter", "Both 'subject' and 'allow_any_subject' fields cannot be set at the same time.")]
    [InlineData("no-expiry", "missing_required_parameter", "Field 'expires_at' is required.")]
    [InlineData("no-kid", "missing_required_parameter", "Field 'jwk' must contain JWK with kid header.")]
    [InlineData("symmetric-key", "The request was malformed or contained invalid parameters", "Field 'jwk' must be an RSA public key")]
    [InlineData("small-key", "The request was malformed or contained invalid parameters", "at least 2048 bits")]
    [InlineData("nul-subject", "The request was malformed or contained invalid parameters", "Field 'subject' must not contain control characters.")]
    [InlineData("long-issuer", "The request was malformed or contained invalid parameters", "Field 'issuer' must be at most 512 characters.")]
    [InlineData("spaced-scope", "The request was malformed or contained invalid parameters", "Field 'scope' must list scopes")]
    [InlineData("scope-not-a-list", "The request was malformed or contained invalid parameters", "field scope must be")]
    public async Task TrustApi_RefusesAnInvalidTrust_WithHydrasError(string change, string error, string description)
    {
        using var key = new ClientKey();
        var body = TrustBody(NewIssuer(), key, subject: "alice");
        switch (change)
        {
            case "no-issuer": body.Remove("issuer"); break;
            case "no-subject": body.Remove("subject"); break;
            case "both-subjects": body["allow_any_subject"] = true; break;
            case "no-expiry": body.Remove("expires_at"); break;
            case "no-kid": body["jwk"]!.AsObject().Remove("kid"); break;
            case "symmetric-key": body["jwk"] = new JsonObject { ["kty"] = "oct", ["kid"] = "k", ["k"] = "c2VjcmV0" }; break;
            case "small-key": body["jwk"]!["n"] = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RSA.Create(1024).ExportParameters(false).Modulus); break;
            case "nul-subject": body["subject"] = "ali\0ce"; break;
            case "long-issuer": body["issuer"] = "https://" + new string('i', 600); break;
            case "spaced-scope": body["scope"] = new JsonArray("read write"); break;
            case "scope-not-a-list": body["scope"] = "read"; break;
        }

        using var response = await PostTrustAsync(body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var json = JsonNode.Parse(text)!;
        Assert.Equal(error, json["error"]!.GetValue<string>());
        Assert.Contains(description, json["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustApi_KeepsOnlyThePublicMembersOfTheKey()
    {
        using var key = new ClientKey();
        var issuer = NewIssuer();
        var body = TrustBody(issuer, key, allowAnySubject: true);
        body["jwk"]!["d"] = "private-member";
        using var response = await PostTrustAsync(body);
        var clientId = await GrantClientAsync();

        using var token = await TokenAsync(clientId, Assertion(key, issuer, "dave"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.DoesNotContain("private-member", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    private static string NewIssuer() => "https://idp-" + Guid.NewGuid().ToString("N")[..8] + ".example";

    private string Assertion(ClientKey key, string issuer, string subject, Action<Dictionary<string, object>>? change = null) =>
        key.Assertion(issuer, TokenEndpoint, claims =>
        {
            claims["sub"] = subject;
            change?.Invoke(claims);
        });

    /// <summary>A client with the grant, authenticating with client_secret_post; returns its id and secret.</summary>
    private async Task<(string Id, string Secret)> GrantClientAsync()
    {
        var created = await server.CreateClientAsync(new JsonObject
        {
            ["grant_types"] = new JsonArray(GrantType),
            ["scope"] = "read",
            ["audience"] = new JsonArray("https://api.example"),
            ["token_endpoint_auth_method"] = "client_secret_post",
        }.ToJsonString());
        return (created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> TokenAsync((string Id, string Secret) client, string? assertion, string scope = "read", string[]? audiences = null)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", GrantType), new("scope", scope), new("client_id", client.Id), new("client_secret", client.Secret) };
        if (assertion is not null)
        {
            form.Add(new("assertion", assertion));
        }

        form.AddRange((audiences ?? []).Select(audience => new KeyValuePair<string, string>("audience", audience)));
        return server.Public.PostAsync("/oauth2/token", new FormUrlEncodedContent(form));
    }

    private async Task<JsonObject> TrustAsync(
        string issuer, ClientKey key, string? subject = null, bool allowAnySubject = false, string[]? scope = null, DateTimeOffset? expiresAt = null)
    {
        using var response = await PostTrustAsync(TrustBody(issuer, key, subject, allowAnySubject, scope, expiresAt));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        Assert.EndsWith(TrustPath + "/" + JsonNode.Parse(text)!["id"]!.GetValue<string>(), response.Headers.Location!.ToString(), StringComparison.Ordinal);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static JsonObject TrustBody(
        string issuer, ClientKey key, string? subject = null, bool allowAnySubject = false, string[]? scope = null, DateTimeOffset? expiresAt = null)
    {
        var body = new JsonObject
        {
            ["issuer"] = issuer,
            ["scope"] = new JsonArray([.. (scope ?? ["read"]).Select(s => (JsonNode)s)]),
            ["jwk"] = key.PublicJwk(),
            ["expires_at"] = (expiresAt ?? DateTimeOffset.UtcNow.AddDays(1)).ToString("O"),
        };
        if (subject is not null)
        {
            body["subject"] = subject;
        }

        if (allowAnySubject)
        {
            body["allow_any_subject"] = true;
        }

        return body;
    }

    private Task<HttpResponseMessage> PostTrustAsync(JsonObject body) =>
        server.Admin.PostAsync(TrustPath, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string error, string description)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{(int)response.StatusCode} {text}");
            var body = JsonNode.Parse(text)!;
            Assert.Equal(error, body["error"]!.GetValue<string>());
            Assert.Contains(description, body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(body["access_token"]);
        }
    }
}

public sealed class SqliteJwtBearerGrantTests(SqliteServerFixture server) : JwtBearerGrantTests<SqliteServerFixture>(server);

public sealed class PostgresJwtBearerGrantTests(PostgresServerFixture server) : JwtBearerGrantTests<PostgresServerFixture>(server);
