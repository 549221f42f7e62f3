using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>The authorization code flow through Hydra's login and consent challenge API, end to end.</summary>
public abstract class AuthorizationCodeFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task CodeFlow_WithPkceAndOfflineGranted_IssuesAccessAndRefreshToken()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);

        var run = await browser.RunToCodeAsync(client, subject, "read offline", ["read", "offline"]);
        var tokens = await server.TokensAsync(client, run);

        Assert.StartsWith("glint_ac_", run.Callback.Code, StringComparison.Ordinal);
        Assert.StartsWith("glint_at_", tokens["access_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("glint_rt_", tokens["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("bearer", tokens["token_type"]!.GetValue<string>().ToLowerInvariant());
        Assert.Equal(["offline", "read"], tokens["scope"]!.GetValue<string>().Split(' ').Order(StringComparer.Ordinal));
        Assert.Null(tokens["id_token"]);

        var access = await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>());
        Assert.True(access["active"]!.GetValue<bool>());
        Assert.Equal(subject, access["sub"]!.GetValue<string>());
        Assert.Equal(client.Id, access["client_id"]!.GetValue<string>());
        Assert.Equal("access_token", access["token_use"]!.GetValue<string>());
        var refresh = await server.IntrospectAsync(tokens["refresh_token"]!.GetValue<string>());
        Assert.True(refresh["active"]!.GetValue<bool>());
        Assert.Equal("refresh_token", refresh["token_use"]!.GetValue<string>());
    }

    [Fact]
    public async Task CodeFlow_WithoutOfflineGranted_IssuesNoRefreshToken()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        // offline requested but not granted: the grant is what counts.
        var run = await browser.RunToCodeAsync(client, NewSubject(), "read offline", ["read"]);
        var tokens = await server.TokensAsync(client, run);

        Assert.NotNull(tokens["access_token"]);
        Assert.Null(tokens["refresh_token"]);
        Assert.Equal("read", tokens["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task CodeFlow_OfflineGrantedToClientWithoutRefreshGrant_IssuesNoRefreshToken()
    {
        var client = await server.CreateCodeClientAsync(grantTypes: ["authorization_code"]);
        using var browser = new BrowserSession(server);

        var run = await browser.RunToCodeAsync(client, NewSubject(), "read offline", ["read", "offline"]);
        var tokens = await server.TokensAsync(client, run);

        Assert.NotNull(tokens["access_token"]);
        Assert.Null(tokens["refresh_token"]);
    }

    [Fact]
    public async Task CodeFlow_WithoutOpenid_IssuesNoIdToken()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        var run = await browser.RunToCodeAsync(client, NewSubject(), "read write", ["read", "write"]);
        var tokens = await server.TokensAsync(client, run);

        Assert.Null(tokens["id_token"]);
    }

    [Fact]
    public async Task CodeFlow_OpenidRequestedButNotGranted_IssuesNoIdToken()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        var run = await browser.RunToCodeAsync(client, NewSubject(), "openid read", ["read"]);
        var tokens = await server.TokensAsync(client, run);

        Assert.NotNull(tokens["access_token"]);
        Assert.Null(tokens["id_token"]);
    }

    [Fact]
    public async Task CodeFlow_WithOpenidAndNonce_IdTokenCarriesLoginFacts()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        var verifier = Pkce.NewVerifier();
        var query = BrowserSession.Query(client, "openid read", verifier);
        query["nonce"] = "nonce-" + Guid.NewGuid().ToString("N");
        using var browser = new BrowserSession(server);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var run = await browser.RunAsync(query,
            new { subject, acr = "2", amr = new[] { "pwd", "otp" } },
            new { grant_scope = new[] { "openid", "read" }, session = new { id_token = new { email = "a@example.com" } } },
            verifier);
        var tokens = await server.TokensAsync(client, run);
        var idToken = JwtPayload(tokens["id_token"]!.GetValue<string>());

        // RFC 9207: the authorization response names the issuer exactly as discovery does.
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}", run.Callback.Value("iss"));
        Assert.Null(run.Callback.Value("error_uri"));
        Assert.Equal(subject, idToken["sub"]!.GetValue<string>());
        Assert.Equal([client.Id], Strings(idToken["aud"]));
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}", idToken["iss"]!.GetValue<string>());
        Assert.Equal(query["nonce"], idToken["nonce"]!.GetValue<string>());
        Assert.InRange(idToken["auth_time"]!.GetValue<long>(), before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal("2", idToken["acr"]!.GetValue<string>());
        Assert.Equal(["pwd", "otp"], Strings(idToken["amr"]));
        Assert.Equal(run.LoginRequest["session_id"]!.GetValue<string>(), idToken["sid"]!.GetValue<string>());
        Assert.Equal("a@example.com", idToken["email"]!.GetValue<string>());
        Assert.DoesNotContain(idToken.AsObject(), claim => claim.Key.StartsWith("oi_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdToken_WithOneAuthenticationMethod_HasAmrAsAnArray_AlsoAfterRefresh()
    {
        var client = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        using var browser = new BrowserSession(server);
        var run = await browser.RunAsync(BrowserSession.Query(client, "openid offline", verifier),
            new { subject = NewSubject(), amr = new[] { "email" } }, new { grant_scope = new[] { "openid", "offline" } }, verifier);

        var first = await server.TokensAsync(client, run);
        using var refreshResponse = await server.RefreshAsync(client, first["refresh_token"]!.GetValue<string>());
        var refreshed = await OkJsonAsync(refreshResponse, "refresh");
        using var userinfoResponse = await server.UserinfoAsync(refreshed["access_token"]!.GetValue<string>());
        var userinfo = await OkJsonAsync(userinfoResponse, "userinfo");

        // OpenID Connect Core §2: amr is a JSON array, even of one method.
        Assert.Equal("[\"email\"]", JwtPayload(first["id_token"]!.GetValue<string>())["amr"]!.ToJsonString());
        Assert.Equal("[\"email\"]", JwtPayload(refreshed["id_token"]!.GetValue<string>())["amr"]!.ToJsonString());
        Assert.Equal("[\"email\"]", userinfo["amr"]!.ToJsonString());
    }

    [Fact]
    public async Task CodeFlow_ConsentSessionAccessToken_IsIntrospectionExt()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        var run = await browser.RunToCodeAsync(client, NewSubject(), "read", ["read"],
            consentSession: new { access_token = new { foo = "bar", n = 7 } });
        var tokens = await server.TokensAsync(client, run);
        var body = await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>());

        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal("""{"foo":"bar","n":7}""", body["ext"]!.ToJsonString());
    }

    [Fact]
    public async Task CodeFlow_Callback_CarriesGrantedScopeAndState()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        var run = await browser.RunToCodeAsync(client, NewSubject(), "read write", ["read"]);

        Assert.Equal(client.RedirectUri, run.Callback.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal("read", run.Callback.Scope);
    }

    [Fact]
    public async Task LoginRequest_HasHydraFields()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read offline", Pkce.NewVerifier());
        query["login_hint"] = "someone@example.com";

        var challenge = await browser.StartAsync(query);
        var body = await server.LoginRequestAsync(challenge);

        Assert.Equal(challenge, body["challenge"]!.GetValue<string>());
        Assert.Equal(["read", "offline"], Strings(body["requested_scope"]));
        Assert.Empty(body["requested_access_token_audience"]!.AsArray());
        Assert.False(body["skip"]!.GetValue<bool>());
        Assert.Equal("", body["subject"]!.GetValue<string>());
        var oidc = body["oidc_context"]!.AsObject();
        Assert.Equal("someone@example.com", oidc["login_hint"]!.GetValue<string>());
        Assert.Empty(oidc["acr_values"]!.AsArray());
        Assert.Empty(oidc["ui_locales"]!.AsArray());
        var requestClient = body["client"]!.AsObject();
        Assert.Equal(client.Id, requestClient["client_id"]!.GetValue<string>());
        Assert.False(requestClient.ContainsKey("client_secret"));
        Assert.Equal(["authorization_code", "refresh_token"], Strings(requestClient["grant_types"]));
        var requestUrl = new Uri(body["request_url"]!.GetValue<string>());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/auth", requestUrl.GetLeftPart(UriPartial.Path));
        Assert.Contains("state=" + query["state"], requestUrl.Query, StringComparison.Ordinal);
        Assert.Contains("client_id=" + client.Id, requestUrl.Query, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(body["session_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ConsentRequest_HasHydraFields()
    {
        var client = await server.CreateCodeClientAsync(skipConsent: true);
        var subject = NewSubject();
        using var browser = new BrowserSession(server);

        var loginChallenge = await browser.StartAsync(BrowserSession.Query(client, "read write", Pkce.NewVerifier()));
        var loginRequest = await server.LoginRequestAsync(loginChallenge);
        var redirectTo = await server.AcceptLoginAsync(loginChallenge,
            new { subject, acr = "2", amr = new[] { "pwd" }, context = new { tenant = "t1", level = 3 } });
        var consentChallenge = await browser.FollowToConsentAsync(redirectTo);
        var body = await server.ConsentRequestAsync(consentChallenge);

        Assert.Equal(consentChallenge, body["challenge"]!.GetValue<string>());
        Assert.Equal(["read", "write"], Strings(body["requested_scope"]));
        Assert.Empty(body["requested_access_token_audience"]!.AsArray());
        Assert.False(body["skip"]!.GetValue<bool>());
        Assert.Equal(subject, body["subject"]!.GetValue<string>());
        Assert.Equal(loginChallenge, body["login_challenge"]!.GetValue<string>());
        Assert.Equal(loginRequest["session_id"]!.GetValue<string>(), body["login_session_id"]!.GetValue<string>());
        Assert.Equal("2", body["acr"]!.GetValue<string>());
        Assert.Equal(["pwd"], Strings(body["amr"]));
        Assert.Equal("""{"tenant":"t1","level":3}""", body["context"]!.ToJsonString());
        Assert.Equal(loginRequest["request_url"]!.GetValue<string>(), body["request_url"]!.GetValue<string>());
        Assert.NotNull(body["oidc_context"]);
        var requestClient = body["client"]!.AsObject();
        Assert.Equal(client.Id, requestClient["client_id"]!.GetValue<string>());
        Assert.True(requestClient["skip_consent"]!.GetValue<bool>());
        Assert.False(requestClient.ContainsKey("client_secret"));
    }

    [Fact]
    public async Task LoginReject_SendsErrorAndStateToClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());

        var challenge = await browser.StartAsync(query);
        var redirectTo = await server.RejectLoginAsync(challenge, new { error = "access_denied", error_description = "The resource owner denied the request" });
        var callback = await browser.FollowToClientAsync(redirectTo);

        Assert.Equal(client.RedirectUri, callback.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal("access_denied", callback.Error);
        Assert.Equal("The resource owner denied the request", callback.ErrorDescription);
        Assert.Equal(query["state"], callback.State);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task ConsentReject_SendsErrorAndStateToClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());

        var loginChallenge = await browser.StartAsync(query);
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(loginChallenge, new { subject = NewSubject() }));
        var redirectTo = await server.RejectConsentAsync(consentChallenge,
            new { error = "access_denied", error_description = "The resource owner denied the request", error_hint = "Not today." });
        var callback = await browser.FollowToClientAsync(redirectTo);

        Assert.Equal("access_denied", callback.Error);
        Assert.Equal("The resource owner denied the request Not today.", callback.ErrorDescription);
        Assert.Equal(query["state"], callback.State);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task LoginReject_WithoutBody_IsAccessDeniedAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());

        var challenge = await browser.StartAsync(query);
        var callback = await browser.FollowToClientAsync(await server.RejectLoginAsync(challenge, new { }));

        Assert.False(string.IsNullOrEmpty(callback.Error));
        Assert.Equal(query["state"], callback.State);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task LoginAccept_WithoutSubject_IsBadRequest()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        using var response = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={challenge}", HydraClientCalls.Json(new { remember = true }));
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
    }
}

public sealed class SqliteAuthorizationCodeFlowTests(SqliteServerFixture server) : AuthorizationCodeFlowTests<SqliteServerFixture>(server);

public sealed class PostgresAuthorizationCodeFlowTests(PostgresServerFixture server) : AuthorizationCodeFlowTests<PostgresServerFixture>(server);
