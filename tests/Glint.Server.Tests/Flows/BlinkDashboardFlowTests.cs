using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Blink's "done when": its dashboard client registered with <c>hydra create client</c>, its consent app's answers,
/// next-auth's code exchange (client_secret_basic, no <c>openid</c>, profile from <c>/userinfo</c>), a refresh, and
/// a replayed code revoking everything the code gave.
/// </summary>
public abstract class BlinkDashboardFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string RedirectUri = "http://localhost:3001/api/auth/callback/blink";

    /// <summary>
    /// <c>hydra create client --grant-type authorization_code,refresh_token --response-type code,id_token --scope read
    /// --scope write --scope offline --redirect-uri … --name dashboard --format json</c>, as the CLI puts it on the wire.
    /// </summary>
    private static JsonObject DashboardClientBody() => new()
    {
        ["allowed_cors_origins"] = new JsonArray(),
        ["audience"] = new JsonArray(),
        ["backchannel_logout_session_required"] = false,
        ["backchannel_logout_uri"] = "",
        ["client_id"] = "",
        ["client_name"] = "dashboard",
        ["client_secret"] = "",
        ["client_uri"] = "",
        ["contacts"] = new JsonArray(),
        ["frontchannel_logout_session_required"] = false,
        ["frontchannel_logout_uri"] = "",
        ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
        ["jwks_uri"] = "",
        ["logo_uri"] = "",
        ["metadata"] = new JsonObject(),
        ["owner"] = "",
        ["policy_uri"] = "",
        ["post_logout_redirect_uris"] = new JsonArray(),
        ["redirect_uris"] = new JsonArray(RedirectUri),
        ["request_object_signing_alg"] = "RS256",
        ["request_uris"] = new JsonArray(),
        ["response_types"] = new JsonArray("code", "id_token"),
        ["scope"] = "read write offline",
        ["sector_identifier_uri"] = "",
        ["skip_consent"] = false,
        ["skip_logout_consent"] = false,
        ["subject_type"] = "public",
        ["token_endpoint_auth_method"] = "client_secret_basic",
        ["tos_uri"] = "",
    };

    [Fact]
    public async Task BlinkDashboard_CodeRefreshUserinfo_AndCodeReplayRevokesEverything()
    {
        var client = await server.CreateCodeClientFromBodyAsync(DashboardClientBody());
        Assert.NotNull(client.Secret);
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var query = BrowserSession.Query(client, "read write offline", verifier);

        // Blink's consent app: login accepted with remember and acr 2; the user ticks read and offline, not write.
        var loginChallenge = await browser.StartAsync(query);
        var login = await server.LoginRequestAsync(loginChallenge);
        Assert.False(login["skip"]!.GetValue<bool>());
        var consentChallenge = await browser.FollowToConsentAsync(
            await server.AcceptLoginAsync(loginChallenge, new { subject, remember = true, remember_for = 3600, acr = "2" }));
        var consent = await server.ConsentRequestAsync(consentChallenge);
        Assert.Equal(loginChallenge, consent["login_challenge"]!.GetValue<string>());
        Assert.False(consent["client"]!["skip_consent"]!.GetValue<bool>());
        var callback = await browser.FollowToClientAsync(await server.AcceptConsentAsync(consentChallenge,
            new { grant_scope = new[] { "read", "offline" }, grant_access_token_audience = Array.Empty<string>(), remember = true, remember_for = 3600 }));
        Assert.Equal(RedirectUri, callback.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal(query["state"], callback.State);

        // next-auth: code exchange with client_secret_basic.
        using var exchanged = await server.ExchangeCodeAsync(client, callback.Code!, verifier);
        var tokens = await OkJsonAsync(exchanged, "code exchange");
        Assert.Equal(["offline", "read"], tokens["scope"]!.GetValue<string>().Split(' ').Order(StringComparer.Ordinal));
        Assert.Null(tokens["id_token"]);
        var access = tokens["access_token"]!.GetValue<string>();
        var refresh = tokens["refresh_token"]!.GetValue<string>();

        // Oathkeeper's introspection.
        var introspected = await server.IntrospectAsync(access);
        Assert.True(introspected["active"]!.GetValue<bool>());
        Assert.Equal(subject, introspected["sub"]!.GetValue<string>());
        Assert.Equal(client.Id, introspected["client_id"]!.GetValue<string>());

        // Profile from /userinfo, with a token without openid.
        using var userinfo = await server.UserinfoAsync(access);
        Assert.Equal(subject, (await OkJsonAsync(userinfo, "userinfo"))["sub"]!.GetValue<string>());

        // Refresh.
        var refreshed = await RefreshSteps.RefreshOkAsync(server, client, tokens["refresh_token"]);
        var newAccess = refreshed["access_token"]!.GetValue<string>();
        var newRefresh = refreshed["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(refresh, newRefresh);
        using var newUserinfo = await server.UserinfoAsync(newAccess);
        Assert.Equal(HttpStatusCode.OK, newUserinfo.StatusCode);

        // The code again: refused, and everything it gave is revoked.
        using var replay = await server.ExchangeCodeAsync(client, callback.Code!, verifier);
        var (status, error) = await StatusAndJsonAsync(replay);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
        foreach (var token in new[] { access, refresh, newAccess, newRefresh })
        {
            Assert.False(await server.IsActiveAsync(token));
        }

        using var revokedUserinfo = await server.UserinfoAsync(newAccess);
        Assert.Equal(HttpStatusCode.Unauthorized, revokedUserinfo.StatusCode);
    }

    [Fact]
    public async Task BlinkDashboard_SecondVisit_SkipsLoginAndConsent()
    {
        var client = await server.CreateCodeClientFromBodyAsync(DashboardClientBody());
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var blinkLogin = new { subject, remember = true, remember_for = 3600, acr = "2" };
        var blinkConsent = new { grant_scope = new[] { "read", "offline" }, grant_access_token_audience = Array.Empty<string>(), remember = true, remember_for = 3600 };
        await browser.RunAsync(BrowserSession.Query(client, "read write offline", Pkce.NewVerifier()), blinkLogin, blinkConsent);

        // Hydra compares the remembered grant with the requested scopes: read and offline cover a request for both.
        var run = await browser.RunAsync(BrowserSession.Query(client, "read offline", Pkce.NewVerifier()), new { subject }, blinkConsent);

        Assert.True(run.LoginRequest["skip"]!.GetValue<bool>());
        Assert.True(run.ConsentRequest["skip"]!.GetValue<bool>());
        Assert.NotNull(run.Callback.Code);
    }
}

public sealed class SqliteBlinkDashboardFlowTests(SqliteServerFixture server) : BlinkDashboardFlowTests<SqliteServerFixture>(server);

public sealed class PostgresBlinkDashboardFlowTests(PostgresServerFixture server) : BlinkDashboardFlowTests<PostgresServerFixture>(server);
