using System.Net;
using System.Text.Json.Nodes;
using Glint.Auth.OAuth2.Dpop;
using Glint.Server.Hosting;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using static Glint.Server.Tests.Flows.FlowCalls;
using static Glint.Server.Tests.OAuth2.DpopCalls;

namespace Glint.Server.Tests.OAuth2;

/// <summary>The identity model library's RFC 7638 thumbprint and RFC 9449's <c>ath</c>, against the RFCs' own examples.</summary>
public sealed class DpopKeyMathTests
{
    [Fact]
    public void Thumbprint_OfTheRfc7638Example_IsTheRfcsValue()
    {
        var key = new JsonWebKey("""
            {"kty":"RSA","e":"AQAB","alg":"RS256","kid":"2011-04-29",
             "n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
            """);

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", DpopProofs.Thumbprint(key));
    }

    [Fact]
    public void Thumbprint_OfAnEcKey_IsTheDefinitionsValue()
    {
        using var key = new DpopKey();
        var jwk = new JsonWebKey(System.Text.Json.JsonSerializer.Serialize(key.PublicJwk()));

        Assert.Equal(key.Thumbprint, DpopProofs.Thumbprint(jwk));
    }

    [Fact]
    public void Ath_OfTheRfc9449Example_IsTheRfcsValue() =>
        Assert.Equal("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo", DpopProofs.HashOf("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"));
}

/// <summary>The flawed proofs the tests send: at the token endpoint (with what the error names), and at a resource.</summary>
public static class DpopTestData
{
    /// <summary>A JWE's five segments, the second not base64url: the identity model library cannot even split it.</summary>
    public const string JweShaped = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d";

    /// <summary>A JOSE header with an extension Glint does not understand, marked critical (RFC 7515 §4.1.11).</summary>
    public static void CriticalExtension(Dictionary<string, object> headers)
    {
        headers["crit"] = new[] { "urn:example:unknown" };
        headers["urn:example:unknown"] = true;
    }

    public static TheoryData<string, string> BadProofs => new()
    {
        { "htm", "htm" },
        { "htu", "htu" },
        { "iat-old", "iat" },
        { "iat-future", "iat" },
        { "no-jti", "jti" },
        { "ath", "ath" },
        { "typ", "typ" },
        { "private-jwk", "jwk" },
        { "no-jwk", "jwk" },
        { "other-key", "signature" },
        { "jwe-shaped", "JWT" },
        { "crit", "crit" },
    };

    public static TheoryData<string> BadResourceProofs => ["none", "other-key", "other-token", "other-url", "other-method", "replayed", "jwe-shaped", "crit"];
}

/// <summary>DPoP (RFC 9449): proofs at the token endpoint, bound tokens, and their use at <c>/userinfo</c> and <c>/graphql</c>.</summary>
public abstract class DpopTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private string TokenUrl => server.Url("/oauth2/token");

    private async Task<JsonObject> MachineTokenAsync(FlowClient client, DpopKey key)
    {
        using var response = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl));
        return await OkJsonAsync(response, "DPoP token");
    }

    [Fact]
    public async Task ClientCredentials_WithProof_GetsADpopTokenBoundToTheKey()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync();

        var tokens = await MachineTokenAsync(client, key);

        Assert.Equal("DPoP", tokens["token_type"]!.GetValue<string>());
        var introspection = await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>());
        Assert.True(introspection["active"]!.GetValue<bool>());
        Assert.Equal(key.Thumbprint, introspection["cnf"]!["jkt"]!.GetValue<string>());
        Assert.Equal("DPoP", introspection["token_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task JwtAccessToken_WithProof_CarriesCnfJkt()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync(body => body["access_token_strategy"] = "jwt");

        var tokens = await MachineTokenAsync(client, key);

        var token = tokens["access_token"]!.GetValue<string>();
        Assert.Equal(key.Thumbprint, JwtPayload(token)["cnf"]!["jkt"]!.GetValue<string>());
        Assert.Equal(key.Thumbprint, (await server.IntrospectAsync(token))["cnf"]!["jkt"]!.GetValue<string>());
    }

    [Fact]
    public async Task TokenRequest_WithoutProof_StaysBearer()
    {
        var client = await server.CreateMachineClientAsync();

        using var response = await server.DpopTokenAsync(client, ClientCredentials, proof: null);
        var tokens = await OkJsonAsync(response, "bearer token");

        Assert.Equal("bearer", tokens["token_type"]!.GetValue<string>(), ignoreCase: true);
        var introspection = await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>());
        Assert.Null(introspection["cnf"]);
        Assert.Equal("Bearer", introspection["token_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Proof_WithQueryInHtu_IsAccepted()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync();

        using var response = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl.ToUpperInvariant().Replace("/OAUTH2/TOKEN", "/oauth2/token", StringComparison.Ordinal) + "?x=1#f"));

        await OkJsonAsync(response, "htu with query");
    }

    [Fact]
    public async Task Proof_Replayed_IsInvalidDpopProof()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync();
        var proof = key.Proof("POST", TokenUrl);
        using var first = await server.DpopTokenAsync(client, ClientCredentials, proof);
        await OkJsonAsync(first, "first use");

        using var replayed = await server.DpopTokenAsync(client, ClientCredentials, proof);

        await AssertOAuthErrorAsync(replayed, HttpStatusCode.BadRequest, "invalid_dpop_proof", "used before");
    }


    [Theory]
    [MemberData(nameof(DpopTestData.BadProofs), MemberType = typeof(DpopTestData))]
    public async Task Proof_Mismatched_IsInvalidDpopProof(string flaw, string descriptionContains)
    {
        using var key = new DpopKey();
        using var other = new DpopKey();
        var client = await server.CreateMachineClientAsync();
        var proof = flaw switch
        {
            "htm" => key.Proof("GET", TokenUrl),
            "htu" => key.Proof("POST", server.Url("/oauth2/par")),
            "iat-old" => key.Proof("POST", TokenUrl, now: DateTimeOffset.UtcNow.AddMinutes(-10)),
            "iat-future" => key.Proof("POST", TokenUrl, now: DateTimeOffset.UtcNow.AddMinutes(10)),
            "no-jti" => key.Proof("POST", TokenUrl, change: claims => claims.Remove("jti")),
            "ath" => key.Proof("POST", TokenUrl, accessToken: "some-token"),
            "typ" => key.Proof("POST", TokenUrl, type: "JWT"),
            "private-jwk" => key.Proof("POST", TokenUrl, header: headers => ((Dictionary<string, object>)headers["jwk"])["d"] = "AAAA"),
            "no-jwk" => key.Proof("POST", TokenUrl, header: headers => headers.Remove("jwk")),
            // Signed by one key, naming another.
            "other-key" => key.Proof("POST", TokenUrl, header: headers => headers["jwk"] = other.PublicJwk()),
            "jwe-shaped" => DpopTestData.JweShaped,
            "crit" => key.Proof("POST", TokenUrl, header: DpopTestData.CriticalExtension),
            _ => throw new ArgumentOutOfRangeException(nameof(flaw)),
        };

        using var response = await server.DpopTokenAsync(client, ClientCredentials, proof);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_dpop_proof", descriptionContains);
    }

    [Fact]
    public async Task Proof_NotAJwt_IsInvalidDpopProof()
    {
        var client = await server.CreateMachineClientAsync();

        using var response = await server.DpopTokenAsync(client, ClientCredentials, "not-a-proof");

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_dpop_proof", "JWT");
    }

    [Fact]
    public async Task DpopBoundClient_WithoutProof_IsRefused_AndWithProofGetsDpopToken()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync(body => body["dpop_bound_access_tokens"] = true);

        using var refused = await server.DpopTokenAsync(client, ClientCredentials, proof: null);
        await AssertOAuthErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_dpop_proof", "dpop_bound_access_tokens");

        Assert.Equal("DPoP", (await MachineTokenAsync(client, key))["token_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientMetadata_DpopBoundAccessTokens_IsStoredAndShownOnlyWhenSet()
    {
        var bound = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, dpop_bound_access_tokens = true });
        var unbound = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" } });

        using var stored = await server.Admin.GetAsync($"/admin/clients/{bound["client_id"]!.GetValue<string>()}");
        Assert.True((await stored.ReadJsonAsync())["dpop_bound_access_tokens"]!.GetValue<bool>());
        Assert.Null(unbound["dpop_bound_access_tokens"]);
    }

    [Fact]
    public async Task Discovery_AnnouncesDpopAlgorithms()
    {
        using var response = await server.Public.GetAsync("/.well-known/openid-configuration");
        var discovery = await OkJsonAsync(response, "discovery");

        var algorithms = Strings(discovery["dpop_signing_alg_values_supported"]);
        Assert.Contains("ES256", algorithms);
        Assert.Contains("RS256", algorithms);
        Assert.DoesNotContain("HS256", algorithms);
    }

    private async Task<(FlowRun Run, FlowClient Client)> CodeBoundToAsync(string thumbprint, string subject, bool pushed = false)
    {
        var client = await server.CreateCodeClientAsync(scope: "openid offline read", authMethod: "none");
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var query = BrowserSession.Query(client, "openid offline read", verifier);
        query["dpop_jkt"] = thumbprint;
        if (pushed)
        {
            var requestUri = await server.PushedRequestUriAsync(client, query);
            query = new Dictionary<string, string?> { ["client_id"] = client.Id, ["request_uri"] = requestUri };
        }

        var run = await browser.RunAsync(query, new { subject }, new { grant_scope = new[] { "openid", "offline", "read" } }, verifier);
        Assert.True(run.Callback.Code is not null, $"no code: {run.Callback}");
        return (run, client);
    }

    private static Dictionary<string, string> CodeForm(FlowClient client, FlowRun run) => new()
    {
        ["grant_type"] = "authorization_code",
        ["code"] = run.Callback.Code!,
        ["redirect_uri"] = client.RedirectUri,
        ["code_verifier"] = run.Verifier!,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CodeBoundWithDpopJkt_IsRedeemedOnlyWithThatKey(bool pushed)
    {
        using var key = new DpopKey();
        using var other = new DpopKey();
        var (run, client) = await CodeBoundToAsync(key.Thumbprint, NewSubject(), pushed);

        using var withoutProof = await server.DpopTokenAsync(client, CodeForm(client, run), proof: null);
        await AssertOAuthErrorAsync(withoutProof, HttpStatusCode.BadRequest, "invalid_grant", "dpop_jkt");
        using var otherKey = await server.DpopTokenAsync(client, CodeForm(client, run), other.Proof("POST", TokenUrl));
        await AssertOAuthErrorAsync(otherKey, HttpStatusCode.BadRequest, "invalid_grant", "dpop_jkt");

        // The refusals spent nothing: the right key still redeems the code.
        using var redeemed = await server.DpopTokenAsync(client, CodeForm(client, run), key.Proof("POST", TokenUrl));
        var tokens = await OkJsonAsync(redeemed, "bound code");
        Assert.Equal("DPoP", tokens["token_type"]!.GetValue<string>());
        Assert.Equal(key.Thumbprint, (await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>()))["cnf"]!["jkt"]!.GetValue<string>());
    }

    [Fact]
    public async Task PushWithDpopProof_BindsTheCodeToItsKey()
    {
        using var key = new DpopKey();
        using var other = new DpopKey();
        var client = await server.CreateCodeClientAsync(scope: "openid read", authMethod: "none");
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        using var push = new HttpRequestMessage(HttpMethod.Post, "/oauth2/par")
        {
            Content = new FormUrlEncodedContent(BrowserSession.Query(client, "openid read", verifier).Select(pair => KeyValuePair.Create(pair.Key, pair.Value!))),
        };
        push.Headers.TryAddWithoutValidation("DPoP", key.Proof("POST", server.Url("/oauth2/par")));
        using var pushed = await server.Public.SendAsync(push);
        var requestUri = (await pushed.ReadJsonAsync())["request_uri"]!.GetValue<string>();
        var run = await browser.RunAsync(new Dictionary<string, string?> { ["client_id"] = client.Id, ["request_uri"] = requestUri },
            new { subject = NewSubject() }, new { grant_scope = new[] { "openid", "read" } }, verifier);

        using var otherKey = await server.DpopTokenAsync(client, CodeForm(client, run), other.Proof("POST", TokenUrl));
        await AssertOAuthErrorAsync(otherKey, HttpStatusCode.BadRequest, "invalid_grant", "dpop_jkt");
        using var redeemed = await server.DpopTokenAsync(client, CodeForm(client, run), key.Proof("POST", TokenUrl));
        Assert.Equal("DPoP", (await OkJsonAsync(redeemed, "code bound at the push"))["token_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task PushWithDpopProofOfAnotherKeyThanDpopJkt_IsInvalidDpopProof()
    {
        using var key = new DpopKey();
        using var other = new DpopKey();
        var client = await server.CreateCodeClientAsync(scope: "openid read", authMethod: "none");
        var query = BrowserSession.Query(client, "openid read", Pkce.NewVerifier());
        query["dpop_jkt"] = other.Thumbprint;
        using var push = new HttpRequestMessage(HttpMethod.Post, "/oauth2/par")
        {
            Content = new FormUrlEncodedContent(query.Select(pair => KeyValuePair.Create(pair.Key, pair.Value!))),
        };
        push.Headers.TryAddWithoutValidation("DPoP", key.Proof("POST", server.Url("/oauth2/par")));

        using var response = await server.Public.SendAsync(push);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_dpop_proof", "dpop_jkt");
    }

    [Theory]
    [InlineData("jwe-shaped")]
    [InlineData("crit")]
    public async Task PushWithAMalformedProof_IsInvalidDpopProof(string flaw)
    {
        using var key = new DpopKey();
        var client = await server.CreateCodeClientAsync(scope: "openid read", authMethod: "none");
        var query = BrowserSession.Query(client, "openid read", Pkce.NewVerifier());
        using var push = new HttpRequestMessage(HttpMethod.Post, "/oauth2/par")
        {
            Content = new FormUrlEncodedContent(query.Select(pair => KeyValuePair.Create(pair.Key, pair.Value!))),
        };
        push.Headers.TryAddWithoutValidation("DPoP", flaw == "crit"
            ? key.Proof("POST", server.Url("/oauth2/par"), header: DpopTestData.CriticalExtension)
            : DpopTestData.JweShaped);

        using var response = await server.Public.SendAsync(push);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_dpop_proof");
    }

    [Fact]
    public async Task DpopJkt_NotAThumbprint_IsInvalidRequest()
    {
        var client = await server.CreateCodeClientAsync(scope: "openid read", authMethod: "none");
        var query = BrowserSession.Query(client, "openid read", Pkce.NewVerifier());
        query["dpop_jkt"] = "not-a-thumbprint";

        using var response = await server.PushAsync(client, query);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "dpop_jkt");
    }

    [Fact]
    public async Task PublicClientRefreshToken_IsBoundToTheKey()
    {
        using var key = new DpopKey();
        using var other = new DpopKey();
        var (run, client) = await CodeBoundToAsync(key.Thumbprint, NewSubject());
        using var exchanged = await server.DpopTokenAsync(client, CodeForm(client, run), key.Proof("POST", TokenUrl));
        var refreshToken = (await OkJsonAsync(exchanged, "code exchange"))["refresh_token"]!.GetValue<string>();
        var refresh = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken };

        using var otherKey = await server.DpopTokenAsync(client, refresh, other.Proof("POST", TokenUrl));
        await AssertOAuthErrorAsync(otherKey, HttpStatusCode.BadRequest, "invalid_grant", "another key");
        using var withoutProof = await server.DpopTokenAsync(client, refresh, proof: null);
        await AssertOAuthErrorAsync(withoutProof, HttpStatusCode.BadRequest, "invalid_grant", "bound");

        using var refreshed = await server.DpopTokenAsync(client, refresh, key.Proof("POST", TokenUrl));
        var tokens = await OkJsonAsync(refreshed, "refresh with the key");
        Assert.Equal("DPoP", tokens["token_type"]!.GetValue<string>());

        // The new refresh token is bound to the same key.
        using var rotatedOtherKey = await server.DpopTokenAsync(client,
            new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>() },
            other.Proof("POST", TokenUrl));
        await AssertOAuthErrorAsync(rotatedOtherKey, HttpStatusCode.BadRequest, "invalid_grant", "another key");
    }

    [Fact]
    public async Task ConfidentialClientRefreshToken_IsNotBound()
    {
        using var key = new DpopKey();
        using var other = new DpopKey();
        var client = await server.CreateCodeClientAsync(scope: "openid offline read");
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, NewSubject(), "openid offline read", ["openid", "offline", "read"]);
        using var exchanged = await server.DpopTokenAsync(client, CodeForm(client, run), key.Proof("POST", TokenUrl));
        var refreshToken = (await OkJsonAsync(exchanged, "code exchange"))["refresh_token"]!.GetValue<string>();

        using var refreshed = await server.DpopTokenAsync(client,
            new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, other.Proof("POST", TokenUrl));

        var tokens = await OkJsonAsync(refreshed, "refresh with a new key");
        Assert.Equal(other.Thumbprint, (await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>()))["cnf"]!["jkt"]!.GetValue<string>());
    }

    private async Task<(string Token, DpopKey Key)> UserTokenAsync(string subject)
    {
        var key = new DpopKey();
        var (run, client) = await CodeBoundToAsync(key.Thumbprint, subject);
        using var exchanged = await server.DpopTokenAsync(client, CodeForm(client, run), key.Proof("POST", TokenUrl));
        return ((await OkJsonAsync(exchanged, "code exchange"))["access_token"]!.GetValue<string>(), key);
    }

    [Fact]
    public async Task Userinfo_DpopTokenWithProof_Answers()
    {
        var subject = NewSubject();
        var (token, key) = await UserTokenAsync(subject);
        using var _ = key;

        using var get = await server.ResourceAsync(HttpMethod.Get, "/userinfo", token, "DPoP", key.Proof("GET", server.Url("/userinfo"), token));
        Assert.Equal(subject, (await OkJsonAsync(get, "userinfo GET"))["sub"]!.GetValue<string>());
        using var post = await server.ResourceAsync(HttpMethod.Post, "/userinfo", token, "DPoP", key.Proof("POST", server.Url("/userinfo"), token));
        Assert.Equal(subject, (await OkJsonAsync(post, "userinfo POST"))["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task Userinfo_DpopTokenAsBearer_IsInvalidToken()
    {
        var (token, key) = await UserTokenAsync(NewSubject());
        using var _ = key;

        using var response = await server.ResourceAsync(HttpMethod.Get, "/userinfo", token, "Bearer", key.Proof("GET", server.Url("/userinfo"), token));

        AssertDpopChallenge(response, "invalid_token");
        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", "DPoP-bound");
    }


    [Theory]
    [MemberData(nameof(DpopTestData.BadResourceProofs), MemberType = typeof(DpopTestData))]
    public async Task Userinfo_DpopTokenWithBadProof_IsInvalidDpopProof(string flaw)
    {
        var (token, key) = await UserTokenAsync(NewSubject());
        using var _ = key;
        using var other = new DpopKey();
        var url = server.Url("/userinfo");
        var proof = flaw switch
        {
            "none" => null,
            "other-key" => other.Proof("GET", url, token),
            "other-token" => key.Proof("GET", url, token + "x"),
            "other-url" => key.Proof("GET", server.Url("/graphql"), token),
            "other-method" => key.Proof("POST", url, token),
            "replayed" => key.Proof("GET", url, token),
            "jwe-shaped" => DpopTestData.JweShaped,
            "crit" => key.Proof("GET", url, token, header: DpopTestData.CriticalExtension),
            _ => throw new ArgumentOutOfRangeException(nameof(flaw)),
        };
        if (flaw == "replayed")
        {
            using var first = await server.ResourceAsync(HttpMethod.Get, "/userinfo", token, "DPoP", proof);
            await OkJsonAsync(first, "first use of the proof");
        }

        using var response = await server.ResourceAsync(HttpMethod.Get, "/userinfo", token, "DPoP", proof);

        AssertDpopChallenge(response, "invalid_dpop_proof");
        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_dpop_proof");
    }

    private async Task<(Guid UserId, string Token, DpopKey Key)> WalletUserTokenAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var (account, failure) = await scope.ServiceProvider.GetRequiredService<AccountOpening>().OpenAsync(null, null, null, CancellationToken.None);
        Assert.True(failure is null, failure?.Message);
        var (token, key) = await UserTokenAsync(account!.UserId.ToString());
        return (account.UserId, token, key);
    }

    [Theory]
    [InlineData("DPoP")]
    [InlineData(null)]
    public async Task GraphQL_DpopTokenWithProof_Answers(string? scheme)
    {
        var (userId, token, key) = await WalletUserTokenAsync();
        using var _ = key;

        using var response = await server.ResourceAsync(HttpMethod.Post, "/graphql", token, scheme, key.Proof("POST", server.Url("/graphql"), token), MeQuery);

        var body = await OkJsonAsync(response, "graphql me");
        Assert.Equal(userId.ToString(), body["data"]!["me"]!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Bearer", true, "invalid_token")]
    [InlineData(null, false, "invalid_token")]
    [InlineData("DPoP", false, "invalid_dpop_proof")]
    public async Task GraphQL_DpopTokenWithoutItsProof_IsUnauthorized(string? scheme, bool sendProof, string error)
    {
        var (_, token, key) = await WalletUserTokenAsync();
        using var _ = key;

        using var response = await server.ResourceAsync(HttpMethod.Post, "/graphql", token, scheme,
            sendProof ? key.Proof("POST", server.Url("/graphql"), token) : null, MeQuery);

        AssertDpopChallenge(response, error);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(401, body["error"]!["code"]!.GetValue<int>());
        Assert.Null(body["data"]);
    }

    [Theory]
    [InlineData("other-key")]
    [InlineData("jwe-shaped")]
    [InlineData("crit")]
    public async Task GraphQL_DpopTokenWithABadProof_IsInvalidDpopProof(string flaw)
    {
        var (_, token, key) = await WalletUserTokenAsync();
        using var _ = key;
        using var other = new DpopKey();
        var url = server.Url("/graphql");
        var proof = flaw switch
        {
            "other-key" => other.Proof("POST", url, token),
            "jwe-shaped" => DpopTestData.JweShaped,
            "crit" => key.Proof("POST", url, token, header: DpopTestData.CriticalExtension),
            _ => throw new ArgumentOutOfRangeException(nameof(flaw)),
        };

        using var response = await server.ResourceAsync(HttpMethod.Post, "/graphql", token, "DPoP", proof, MeQuery);

        AssertDpopChallenge(response, "invalid_dpop_proof");
        Assert.Equal(401, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<int>());
    }
}

public sealed class SqliteDpopTests(SqliteServerFixture server) : DpopTests<SqliteServerFixture>(server);

public sealed class PostgresDpopTests(PostgresServerFixture server) : DpopTests<PostgresServerFixture>(server);

/// <summary>A server that requires DPoP nonces (<c>oauth2.dpop.require_nonce</c>), on a clock the test moves.</summary>
public sealed class SqliteDpopNonceServer : SqliteServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.DpopRequireNonce] = "true" };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class PostgresDpopNonceServer : PostgresServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { [ConfigurationKeys.DpopRequireNonce] = "true" };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

/// <summary>Server-issued nonces (RFC 9449 §8, §9): asked for with <c>use_dpop_nonce</c>, stale after two slots.</summary>
public abstract class DpopNonceTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    private string TokenUrl => server.Url("/oauth2/token");

    private static string NonceOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("DPoP-Nonce", out var values), "no DPoP-Nonce header");
        return Assert.Single(values);
    }

    [Fact]
    public async Task TokenRequest_WithoutNonce_IsAskedForOne_ThenSucceedsWithIt()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync();

        using var asked = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl, now: server.Clock.GetUtcNow()));
        await AssertOAuthErrorAsync(asked, HttpStatusCode.BadRequest, "use_dpop_nonce");
        var nonce = NonceOf(asked);

        using var answered = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl, nonce: nonce, now: server.Clock.GetUtcNow()));
        var tokens = await OkJsonAsync(answered, "token with nonce");
        Assert.Equal("DPoP", tokens["token_type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(NonceOf(answered)));
    }

    [Fact]
    public async Task TokenRequest_WithStaleNonce_IsAskedForANewOne()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync();
        using var asked = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl, now: server.Clock.GetUtcNow()));
        var nonce = NonceOf(asked);

        server.Clock.Advance(DpopNonces.Slot * 2);
        using var stale = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl, nonce: nonce, now: server.Clock.GetUtcNow()));

        await AssertOAuthErrorAsync(stale, HttpStatusCode.BadRequest, "use_dpop_nonce", "stale");
        Assert.NotEqual(nonce, NonceOf(stale));
    }

    [Fact]
    public async Task TokenRequest_WithForgedNonce_IsAskedForOne()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync();

        using var forged = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl, nonce: "AAAAAAAAAAAAAAAAAAAAAA", now: server.Clock.GetUtcNow()));

        await AssertOAuthErrorAsync(forged, HttpStatusCode.BadRequest, "use_dpop_nonce");
    }

    [Fact]
    public async Task Userinfo_ProofWithoutNonce_IsAskedForOne()
    {
        using var key = new DpopKey();
        var client = await server.CreateMachineClientAsync();
        using var asked = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl, now: server.Clock.GetUtcNow()));
        using var issued = await server.DpopTokenAsync(client, ClientCredentials, key.Proof("POST", TokenUrl, nonce: NonceOf(asked), now: server.Clock.GetUtcNow()));
        var token = (await OkJsonAsync(issued, "token"))["access_token"]!.GetValue<string>();
        var url = server.Url("/userinfo");

        using var withoutNonce = await server.ResourceAsync(HttpMethod.Get, "/userinfo", token, "DPoP", key.Proof("GET", url, token, now: server.Clock.GetUtcNow()));
        AssertDpopChallenge(withoutNonce, "use_dpop_nonce");
        var nonce = NonceOf(withoutNonce);

        using var withNonce = await server.ResourceAsync(HttpMethod.Get, "/userinfo", token, "DPoP", key.Proof("GET", url, token, nonce, server.Clock.GetUtcNow()));
        Assert.Equal(client.Id, (await OkJsonAsync(withNonce, "userinfo with nonce"))["sub"]!.GetValue<string>());
    }
}

public sealed class SqliteDpopNonceTests(SqliteDpopNonceServer server) : DpopNonceTests<SqliteDpopNonceServer>(server);

public sealed class PostgresDpopNonceTests(PostgresDpopNonceServer server) : DpopNonceTests<PostgresDpopNonceServer>(server);

/// <summary>Two nodes on one PostgreSQL database: a proof used at one node's token endpoint is refused at the other's.</summary>
public sealed class PostgresDpopAcrossNodesTests : TwoPostgresNodes
{
    [Fact]
    public async Task Proof_UsedOnOneNode_IsRefusedOnTheOther()
    {
        using var key = new DpopKey();
        var client = await Nodes[0].CreateMachineClientAsync();
        var proof = key.Proof("POST", Issuer + "/oauth2/token");

        using var first = await Nodes[1].DpopTokenAsync(client, ClientCredentials, proof);
        await OkJsonAsync(first, "first node");

        using var replayed = await Nodes[0].DpopTokenAsync(client, ClientCredentials, proof);
        await AssertOAuthErrorAsync(replayed, HttpStatusCode.BadRequest, "invalid_dpop_proof", "used before");
    }
}
