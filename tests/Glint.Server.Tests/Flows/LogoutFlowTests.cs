using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.OAuth2;
using Microsoft.AspNetCore.WebUtilities;

namespace Glint.Server.Tests.Flows;

/// <summary>RP-initiated logout through the logout challenge API, and back-channel logout to the session's clients only.</summary>
public abstract class LogoutFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string RedirectUri = LogoutCalls.RedirectUri;
    private const string PostLogoutUri = LogoutCalls.PostLogoutUri;

    [Fact]
    public async Task Logout_WithIdTokenHint_EndsSessionAndReturnsToClientWithState()
    {
        using var browser = new BrowserSession(server);
        var client = await LogoutCalls.ClientAsync(server);
        var subject = FlowCalls.NewSubject();
        var (idToken, sid) = await LogoutCalls.SignInAsync(server, browser, client, subject);

        var challenge = await LogoutCalls.StartLogoutAsync(server, browser, $"?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}&state=logout-state-1");
        var request = JsonNode.Parse(await server.Admin.GetStringAsync($"/admin/oauth2/auth/requests/logout?logout_challenge={challenge}"))!;
        Assert.Equal(subject, request["subject"]!.GetValue<string>());
        Assert.Equal(sid, request["sid"]!.GetValue<string>());
        Assert.True(request["rp_initiated"]!.GetValue<bool>());
        Assert.Equal(client.Id, request["client"]!["client_id"]!.GetValue<string>());

        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/logout/accept?logout_challenge={challenge}", null);
        var redirectTo = JsonNode.Parse(await accept.Content.ReadAsStringAsync())!["redirect_to"]!.GetValue<string>();
        using var done = await browser.GetAsync(redirectTo);

        Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        Assert.Equal(PostLogoutUri, done.Headers.Location!.GetLeftPart(UriPartial.Path));
        Assert.Equal("logout-state-1", QueryHelpers.ParseQuery(done.Headers.Location.Query)["state"].ToString());

        using var used = await server.Admin.GetAsync($"/admin/oauth2/auth/requests/logout?logout_challenge={challenge}");
        Assert.Equal(HttpStatusCode.Gone, used.StatusCode);

        // The login is no longer remembered: the next request goes through login again.
        var next = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        Assert.False((await server.LoginRequestAsync(next))["skip"]!.GetValue<bool>());
    }

    /// <summary>As Hydra: accepting twice (a retry, a second tab) answers the same redirect, which still ends the session.</summary>
    [Fact]
    public async Task Logout_AcceptedTwice_KeepsOneVerifier()
    {
        using var browser = new BrowserSession(server);
        var client = await LogoutCalls.ClientAsync(server);
        var (idToken, _) = await LogoutCalls.SignInAsync(server, browser, client, FlowCalls.NewSubject());
        var challenge = await LogoutCalls.StartLogoutAsync(server, browser, $"?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}&state=twice");
        var other = await LogoutCalls.StartLogoutAsync(server, browser, $"?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}&state=other");

        var first = await AcceptLogoutAsync(challenge);
        var second = await AcceptLogoutAsync(challenge);
        using var done = await browser.GetAsync(first);

        Assert.Equal(first, second);
        Assert.NotEqual(QueryHelpers.ParseQuery(new Uri(first).Query)["logout_verifier"], QueryHelpers.ParseQuery(new Uri(await AcceptLogoutAsync(other)).Query)["logout_verifier"]);
        Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        Assert.Equal("twice", QueryHelpers.ParseQuery(done.Headers.Location!.Query)["state"].ToString());
    }

    private async Task<string> AcceptLogoutAsync(string challenge)
    {
        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/logout/accept?logout_challenge={challenge}", null);
        return JsonNode.Parse(await accept.Content.ReadAsStringAsync())!["redirect_to"]!.GetValue<string>();
    }

    /// <summary>As Hydra: without <c>id_token_hint</c> nothing says which client asked, so no browser is sent to a client.</summary>
    [Fact]
    public async Task Logout_PostLogoutRedirectUriWithoutIdTokenHint_IsAnErrorPage()
    {
        using var browser = new BrowserSession(server);
        var client = await LogoutCalls.ClientAsync(server);
        await LogoutCalls.SignInAsync(server, browser, client, FlowCalls.NewSubject());

        using var response = await browser.GetAsync($"/oauth2/sessions/logout?post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}&state=s1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("id_token_hint is missing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>An ID token hint whose signature does not verify is refused, never honoured as the client's word.</summary>
    [Fact]
    public async Task Logout_IdTokenHintWithBrokenSignature_IsAnErrorPage()
    {
        using var browser = new BrowserSession(server);
        var client = await LogoutCalls.ClientAsync(server);
        var (idToken, _) = await LogoutCalls.SignInAsync(server, browser, client, FlowCalls.NewSubject());
        var parts = idToken.Split('.');
        var broken = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        using var response = await browser.GetAsync($"/oauth2/sessions/logout?id_token_hint={broken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}&state=s1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Logout_Rejected_KeepsTheSession()
    {
        using var browser = new BrowserSession(server);
        var client = await LogoutCalls.ClientAsync(server);
        var subject = FlowCalls.NewSubject();
        await LogoutCalls.SignInAsync(server, browser, client, subject);

        var challenge = await LogoutCalls.StartLogoutAsync(server, browser, "");
        var request = JsonNode.Parse(await server.Admin.GetStringAsync($"/admin/oauth2/auth/requests/logout?logout_challenge={challenge}"))!;
        Assert.False(request["rp_initiated"]!.GetValue<bool>());
        using var reject = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/logout/reject?logout_challenge={challenge}", null);
        Assert.Equal(HttpStatusCode.NoContent, reject.StatusCode);

        var next = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var login = await server.LoginRequestAsync(next);
        Assert.True(login["skip"]!.GetValue<bool>());
        Assert.Equal(subject, login["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task Logout_UnknownOrMissingChallenge_IsHydraError()
    {
        using var unknown = await server.Admin.GetAsync("/admin/oauth2/auth/requests/logout?logout_challenge=nope");
        using var missing = await server.Admin.GetAsync("/admin/oauth2/auth/requests/logout");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task BackChannelLogout_NotifiesOnlyTheClientsOfTheEndedSession()
    {
        using var receiver = new LogoutCalls.LogoutReceiver();
        var mine = await LogoutCalls.ClientAsync(server, receiver.Url("mine"));
        var theirs = await LogoutCalls.ClientAsync(server, receiver.Url("theirs"));
        using var browser = new BrowserSession(server);
        using var otherBrowser = new BrowserSession(server);
        var subject = FlowCalls.NewSubject();
        var (idToken, sid) = await LogoutCalls.SignInAsync(server, browser, mine, subject);
        await LogoutCalls.SignInAsync(server, otherBrowser, theirs, FlowCalls.NewSubject());

        var challenge = await LogoutCalls.StartLogoutAsync(server, browser, $"?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}");
        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/logout/accept?logout_challenge={challenge}", null);
        using var done = await browser.GetAsync(JsonNode.Parse(await accept.Content.ReadAsStringAsync())!["redirect_to"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Found, done.StatusCode);

        var (path, token) = Assert.Single(receiver.Received);
        Assert.Equal("/mine", path);
        var claims = JsonNode.Parse(Convert.FromBase64String(LogoutCalls.Pad(token.Split('.')[1])))!;
        Assert.Equal(subject, claims["sub"]!.GetValue<string>());
        Assert.Equal(sid, claims["sid"]!.GetValue<string>());
        Assert.Equal(mine.Id, claims["aud"]!.GetValue<string>());
        Assert.NotNull(claims["events"]!["http://schemas.openid.net/event/backchannel-logout"]);
        Assert.Null(claims["nonce"]);
    }

    [Fact]
    public async Task FrontChannelLogout_LoadsTheSessionClientsLogoutPages_ThenContinues()
    {
        var mine = await LogoutCalls.ClientAsync(server, frontChannel: "http://127.0.0.1:9999/front-logout");
        var theirs = await LogoutCalls.ClientAsync(server, frontChannel: "http://127.0.0.1:9999/other-front-logout");
        using var browser = new BrowserSession(server);
        using var otherBrowser = new BrowserSession(server);
        var (idToken, sid) = await LogoutCalls.SignInAsync(server, browser, mine, FlowCalls.NewSubject());
        await LogoutCalls.SignInAsync(server, otherBrowser, theirs, FlowCalls.NewSubject());

        var challenge = await LogoutCalls.StartLogoutAsync(server, browser, $"?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogoutUri)}&state=front-state-1");
        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/logout/accept?logout_challenge={challenge}", null);
        using var done = await browser.GetAsync(JsonNode.Parse(await accept.Content.ReadAsStringAsync())!["redirect_to"]!.GetValue<string>());
        var page = await done.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("text/html", done.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"src=\"http://127.0.0.1:9999/front-logout?iss={Uri.EscapeDataString($"http://127.0.0.1:{server.PublicPort}")}&amp;sid={sid}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("other-front-logout", page, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode($"{PostLogoutUri}?state=front-state-1"), page, StringComparison.Ordinal);
    }
}

public sealed class SqliteLogoutFlowTests(SqlitePrivateTargetsServer server) : LogoutFlowTests<SqlitePrivateTargetsServer>(server);

public sealed class PostgresLogoutFlowTests(PostgresPrivateTargetsServer server) : LogoutFlowTests<PostgresPrivateTargetsServer>(server);
