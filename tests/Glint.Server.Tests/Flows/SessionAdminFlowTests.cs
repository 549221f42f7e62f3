using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>Hydra's session admin API: consent sessions (list, revoke with their tokens), login sessions, a client's tokens.</summary>
public abstract class SessionAdminFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>A flow in <paramref name="browser"/> remembering login and consent; returns the tokens.</summary>
    private async Task<JsonObject> ConsentAsync(BrowserSession browser, FlowClient client, string subject, string[]? grant = null)
    {
        grant ??= ["read", "offline"];
        var verifier = Pkce.NewVerifier();
        var run = await browser.RunAsync(
            BrowserSession.Query(client, string.Join(' ', grant), verifier),
            new { subject, remember = true, remember_for = 3600 },
            new { grant_scope = grant, remember = true, remember_for = 3600, session = new { access_token = new { k = "v" }, id_token = new { email = "e@example.com" } } },
            verifier);
        return await server.TokensAsync(client, run);
    }

    private async Task<JsonArray> ListAsync(string subject)
    {
        using var response = await server.Admin.GetAsync($"/admin/oauth2/auth/sessions/consent?subject={Uri.EscapeDataString(subject)}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"list consent sessions: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    private async Task DeleteAsync(string path)
    {
        using var response = await server.Admin.DeleteAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"DELETE {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response)
    {
        var (status, body) = await StatusAndJsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConsentSessions_List_ShowsRememberedConsent()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await ConsentAsync(browser, client, subject);

        var sessions = await ListAsync(subject);

        var session = Assert.Single(sessions)!.AsObject();
        Assert.Equal(["read", "offline"], Strings(session["grant_scope"]));
        Assert.Empty(session["grant_access_token_audience"]!.AsArray());
        Assert.True(session["remember"]!.GetValue<bool>());
        Assert.Equal(3600, session["remember_for"]!.GetValue<int>());
        Assert.Equal("""{"k":"v"}""", session["session"]!["access_token"]!.ToJsonString());
        Assert.Equal("""{"email":"e@example.com"}""", session["session"]!["id_token"]!.ToJsonString());
        Assert.True(DateTimeOffset.TryParse(session["handled_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _));
        var request = session["consent_request"]!.AsObject();
        Assert.Equal(client.Id, request["client"]!["client_id"]!.GetValue<string>());
        Assert.False(request["client"]!.AsObject().ContainsKey("client_secret"));
        Assert.Equal(subject, request["subject"]!.GetValue<string>());
        Assert.Equal(["read", "offline"], Strings(request["requested_scope"]));
    }

    [Fact]
    public async Task ConsentSessions_List_LeavesOutSkippedConsentsAndOtherSubjects()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await ConsentAsync(browser, client, subject);
        // The second flow skips consent: it is not a consent session of its own.
        await ConsentAsync(browser, client, subject);
        using var otherBrowser = new BrowserSession(server);
        await ConsentAsync(otherBrowser, client, NewSubject());

        Assert.Single(await ListAsync(subject));
    }

    [Fact]
    public async Task ConsentSessions_ListUnknownSubject_IsEmptyArray()
    {
        Assert.Empty(await ListAsync(NewSubject()));
    }

    [Fact]
    public async Task ConsentSessions_ListWithoutSubject_IsBadRequest()
    {
        using var response = await server.Admin.GetAsync("/admin/oauth2/auth/sessions/consent");

        await AssertBadRequestAsync(response);
    }

    [Fact]
    public async Task ConsentSessions_DeleteForClient_RevokesItsTokensAndForgetsTheConsent()
    {
        var client = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var tokens = await ConsentAsync(browser, client, subject);
        var otherTokens = await ConsentAsync(browser, other, subject);

        await DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={subject}&client={client.Id}");

        Assert.False(await server.IsActiveAsync(tokens["access_token"]!.GetValue<string>()));
        Assert.False(await server.IsActiveAsync(tokens["refresh_token"]!.GetValue<string>()));
        Assert.True(await server.IsActiveAsync(otherTokens["access_token"]!.GetValue<string>()));
        var remaining = Assert.Single(await ListAsync(subject));
        Assert.Equal(other.Id, remaining!["consent_request"]!["client"]!["client_id"]!.GetValue<string>());
        using var refreshed = await server.RefreshAsync(client, tokens["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);

        // The consent is forgotten: the next request asks again.
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject })));
        Assert.False(consent["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ConsentSessions_DeleteAll_RevokesTokensOfEveryClientAndEmptiesList()
    {
        var client = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var tokens = await ConsentAsync(browser, client, subject);
        var otherTokens = await ConsentAsync(browser, other, subject);
        Assert.Equal(2, (await ListAsync(subject)).Count);

        await DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={subject}&all=true");

        Assert.Empty(await ListAsync(subject));
        foreach (var token in new[] { tokens["access_token"], tokens["refresh_token"], otherTokens["access_token"], otherTokens["refresh_token"] })
        {
            Assert.False(await server.IsActiveAsync(token!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ConsentSessions_DeleteWithClientAndAll_RevokesOnlyThatClient()
    {
        var client = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var tokens = await ConsentAsync(browser, client, subject);
        var otherTokens = await ConsentAsync(browser, other, subject);

        await DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={subject}&client={client.Id}&all=true");

        Assert.False(await server.IsActiveAsync(tokens["access_token"]!.GetValue<string>()));
        Assert.True(await server.IsActiveAsync(otherTokens["access_token"]!.GetValue<string>()));
        Assert.Single(await ListAsync(subject));
    }

    [Fact]
    public async Task ConsentSessions_DeleteAll_LeavesOtherSubjectsAlone()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        var otherSubject = NewSubject();
        using var browser = new BrowserSession(server);
        using var otherBrowser = new BrowserSession(server);
        await ConsentAsync(browser, client, subject);
        var otherTokens = await ConsentAsync(otherBrowser, client, otherSubject);

        await DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={subject}&all=true");

        Assert.True(await server.IsActiveAsync(otherTokens["access_token"]!.GetValue<string>()));
        Assert.Single(await ListAsync(otherSubject));
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("eyJmb28iOiJiYXIifQ")] // {"foo":"bar"}
    [InlineData("bm90IGpzb24")] // not json
    public async Task ConsentSessions_ListWithABadPageToken_IsBadRequest(string token)
    {
        using var response = await server.Admin.GetAsync($"/admin/oauth2/auth/sessions/consent?subject={NewSubject()}&page_token={token}");
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The request was malformed or contained invalid parameters", body["error"]!.GetValue<string>());
        Assert.Equal("The page_token is not a valid pagination token.", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConsentSessions_List_IsPagedByPageSizeAndPageToken()
    {
        var subject = NewSubject();
        foreach (var _ in Enumerable.Range(0, 3))
        {
            using var browser = new BrowserSession(server);
            await ConsentAsync(browser, await server.CreateCodeClientAsync(), subject);
        }

        var all = await ListAsync(subject);
        using var second = await server.Admin.GetAsync(
            $"/admin/oauth2/auth/sessions/consent?subject={subject}&page_size=1&page_token={Glint.Auth.Clients.ClientListApi.PageToken(1)}");
        var page = JsonNode.Parse(await second.Content.ReadAsStringAsync())!.AsArray();

        Assert.Equal(3, all.Count);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("3", second.Headers.GetValues("X-Total-Count").Single());
        Assert.True(JsonNode.DeepEquals(all[1], Assert.Single(page)));
        var link = string.Join(",", second.Headers.GetValues("Link"));
        Assert.Contains($"page_token={Glint.Auth.Clients.ClientListApi.PageToken(2)}>; rel=\"next\"", link, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/oauth2/auth/sessions/consent")]
    [InlineData("/admin/oauth2/auth/sessions/consent?client=x")]
    [InlineData("/admin/oauth2/auth/sessions/consent?subject=someone")]
    [InlineData("/admin/oauth2/auth/sessions/login")]
    [InlineData("/admin/oauth2/tokens")]
    public async Task SessionDelete_WithoutRequiredParameters_IsBadRequest(string path)
    {
        using var response = await server.Admin.DeleteAsync(path);

        await AssertBadRequestAsync(response);
    }

    [Fact]
    public async Task ConsentSessions_DeleteUnknown_IsNoContent()
    {
        await DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={NewSubject()}&all=true");
    }

    [Fact]
    public async Task LoginSessions_DeleteBySubject_EndsTheSkip()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var tokens = await ConsentAsync(browser, client, subject);
        var before = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));
        Assert.True(before["skip"]!.GetValue<bool>());

        await DeleteAsync($"/admin/oauth2/auth/sessions/login?subject={subject}");

        var after = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));
        Assert.False(after["skip"]!.GetValue<bool>());
        Assert.Equal("", after["subject"]!.GetValue<string>());
        // Hydra: ending login sessions does not revoke tokens.
        Assert.True(await server.IsActiveAsync(tokens["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task LoginSessions_DeleteBySid_EndsTheSkip()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await ConsentAsync(browser, client, subject);
        var before = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));

        await DeleteAsync($"/admin/oauth2/auth/sessions/login?sid={before["session_id"]!.GetValue<string>()}");

        var after = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));
        Assert.False(after["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ClientTokens_Delete_RevokesTheClientsAccessTokens()
    {
        var client = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var tokens = await ConsentAsync(browser, client, subject);
        var otherTokens = await ConsentAsync(browser, other, subject);

        await DeleteAsync($"/admin/oauth2/tokens?client_id={client.Id}");

        Assert.False(await server.IsActiveAsync(tokens["access_token"]!.GetValue<string>()));
        Assert.True(await server.IsActiveAsync(otherTokens["access_token"]!.GetValue<string>()));
        // Hydra deletes the access tokens only: the refresh token still gets a new access token.
        var refreshed = await RefreshSteps.RefreshOkAsync(server, client, tokens["refresh_token"]);
        Assert.True(await server.IsActiveAsync(refreshed["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ClientTokens_DeleteUnknownClient_IsNoContent()
    {
        await DeleteAsync($"/admin/oauth2/tokens?client_id={Guid.NewGuid()}");
    }
}

public sealed class SqliteSessionAdminFlowTests(SqliteServerFixture server) : SessionAdminFlowTests<SqliteServerFixture>(server);

public sealed class PostgresSessionAdminFlowTests(PostgresServerFixture server) : SessionAdminFlowTests<PostgresServerFixture>(server);
