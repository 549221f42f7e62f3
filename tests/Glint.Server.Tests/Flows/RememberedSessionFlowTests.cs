using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>Remembered logins and consents: <c>skip</c> on the next request in the same browser, and <c>prompt</c> overriding it.</summary>
public abstract class RememberedSessionFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>A first flow in <paramref name="browser"/> that remembers the login, and the consent if asked to.</summary>
    private static async Task<FlowRun> RememberAsync(BrowserSession browser, FlowClient client, string subject, string[] grant, bool rememberConsent = true)
    {
        var verifier = Pkce.NewVerifier();
        var run = await browser.RunAsync(
            BrowserSession.Query(client, string.Join(' ', grant), verifier),
            new { subject, remember = true, remember_for = 3600, acr = "2" },
            new { grant_scope = grant, remember = rememberConsent, remember_for = 3600 },
            verifier);
        Assert.NotNull(run.Callback.Code);
        return run;
    }

    [Fact]
    public async Task RememberedLogin_NextRequestInSameBrowser_IsSkipWithSubject()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var first = await RememberAsync(browser, client, subject, ["read"], rememberConsent: false);

        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var login = await server.LoginRequestAsync(challenge);

        Assert.True(login["skip"]!.GetValue<bool>());
        Assert.Equal(subject, login["subject"]!.GetValue<string>());
        Assert.Equal(first.LoginRequest["session_id"]!.GetValue<string>(), login["session_id"]!.GetValue<string>());
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject })));
        Assert.False(consent["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RememberedLogin_InAnotherBrowser_IsNotSkipped()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, NewSubject(), ["read"]);

        using var other = new BrowserSession(server);
        var login = await server.LoginRequestAsync(await other.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));

        Assert.False(login["skip"]!.GetValue<bool>());
        Assert.Equal("", login["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginNotRemembered_NextRequest_IsNotSkipped()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        await browser.RunToCodeAsync(client, NewSubject(), "read", ["read"]);

        var login = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));

        Assert.False(login["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task LoginNotRemembered_SetsNoSessionCookieAndStoresNoSession()
    {
        // Hydra's remember=false: the login holds for this flow only; nothing lets a later one skip it.
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);

        await browser.RunToCodeAsync(client, subject, "read", ["read"]);

        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), cookie => cookie.Name == "glint_session" && cookie.Value.Length > 0);
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        Assert.False(await db.LoginSessions.AnyAsync(session => session.Subject == subject && session.Remember, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RememberedLogin_ThenALoginNotRemembered_EndsItInThisBrowser()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read"], rememberConsent: false);

        // The user logs in again (prompt=login) and this time does not ask to be remembered.
        var verifier = Pkce.NewVerifier();
        var query = BrowserSession.Query(client, "read", verifier);
        query["prompt"] = "login";
        var again = await browser.RunAsync(query, new { subject, remember = false }, new { grant_scope = new[] { "read" } }, verifier);
        Assert.NotNull(again.Callback.Code);

        var login = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));

        Assert.False(login["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RememberedConsent_NextRequest_IsConsentSkipAndIssuesCode()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read", "offline"]);

        var verifier = Pkce.NewVerifier();
        var run = await browser.RunAsync(BrowserSession.Query(client, "read", verifier), new { subject }, new { grant_scope = new[] { "read" } }, verifier);

        Assert.True(run.LoginRequest["skip"]!.GetValue<bool>());
        Assert.True(run.ConsentRequest["skip"]!.GetValue<bool>());
        Assert.Equal(subject, run.ConsentRequest["subject"]!.GetValue<string>());
        var tokens = await server.TokensAsync(client, run);
        Assert.Equal("read", tokens["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task RememberedConsent_NotCoveringRequestedScope_IsNotSkipped()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read"]);

        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read write", Pkce.NewVerifier()));
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject })));

        Assert.False(consent["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RememberedConsent_ForAnotherClient_IsNotSkipped()
    {
        var client = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read"]);

        var challenge = await browser.StartAsync(BrowserSession.Query(other, "read", Pkce.NewVerifier()));
        var login = await server.LoginRequestAsync(challenge);
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject })));

        Assert.True(login["skip"]!.GetValue<bool>());
        Assert.False(consent["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PromptLogin_WithRememberedLogin_IsNotSkipped()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, NewSubject(), ["read"]);

        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["prompt"] = "login";
        var login = await server.LoginRequestAsync(await browser.StartAsync(query));

        Assert.False(login["skip"]!.GetValue<bool>());
        Assert.Equal("", login["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task PromptConsent_WithRememberedConsent_IsNotSkipped()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read"]);

        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["prompt"] = "consent";
        var challenge = await browser.StartAsync(query);
        var login = await server.LoginRequestAsync(challenge);
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject })));

        Assert.True(login["skip"]!.GetValue<bool>());
        Assert.False(consent["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PromptNone_WithoutSession_IsLoginRequiredAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["prompt"] = "none";

        using var response = await browser.AuthorizeAsync(query);
        var callback = await BrowserSession.ToClientAsync(response);

        Assert.Equal(client.RedirectUri, callback.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal("login_required", callback.Error);
        Assert.Equal(query["state"], callback.State);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task PromptNone_WithSessionButNoRememberedConsent_IsConsentRequiredAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read"], rememberConsent: false);

        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["prompt"] = "none";
        var challenge = await browser.StartAsync(query);
        var callback = await browser.FollowToClientAsync(await server.AcceptLoginAsync(challenge, new { subject }));

        Assert.Equal("consent_required", callback.Error);
        Assert.Equal(query["state"], callback.State);
    }

    [Fact]
    public async Task SkippedLogin_AcceptedForAnotherSubject_SendsBackThroughLogin()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, NewSubject(), ["read"]);

        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject = NewSubject() });

        Assert.Contains("prompt=login", new Uri(redirectTo).Query, StringComparison.Ordinal);
        Assert.DoesNotContain("login_verifier", redirectTo, StringComparison.Ordinal);
        var login = await server.LoginRequestAsync(await browser.FollowToLoginAsync(redirectTo));
        Assert.False(login["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SkippedLogin_WithPromptConsentAcceptedForAnotherSubject_SendsBackThroughLogin()
    {
        var client = await server.CreateCodeClientAsync();
        var other = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, NewSubject(), ["read"]);

        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["prompt"] = "consent";
        var challenge = await browser.StartAsync(query);
        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject = other });
        var again = await browser.FollowToLoginAsync(redirectTo);
        var login = await server.LoginRequestAsync(again);
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(again, new { subject = other })));

        Assert.False(login["skip"]!.GetValue<bool>());
        Assert.Equal(other, consent["subject"]!.GetValue<string>());
    }

    [Fact]
    public async Task SkippedLogin_WithAPercentEncodedPromptAcceptedForAnotherSubject_SendsBackThroughLoginOnce()
    {
        var client = await server.CreateCodeClientAsync();
        var other = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, NewSubject(), ["read"]);

        // "pro%6Dpt" is "prompt": the parameter the answer sets must be found however the client encoded its name.
        // (System.Uri would decode the escaped letter before sending, as most clients do; a raw client need not.)
        var start = new Uri(
            $"http://127.0.0.1:{server.PublicPort}" +
            QueryHelpers.AddQueryString("/oauth2/auth", BrowserSession.Query(client, "read", Pkce.NewVerifier()).Where(pair => pair.Value is not null)) +
            "&pro%6Dpt=consent",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var started = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, start));
        var challenge = QueryHelpers.ParseQuery(started.Headers.Location!.Query)["login_challenge"].ToString();
        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject = other });
        var prompts = QueryHelpers.ParseQuery(new Uri(redirectTo).Query)["prompt"];
        var again = await browser.FollowToLoginAsync(redirectTo);

        Assert.Equal(["login"], prompts.ToArray());
        Assert.False((await server.LoginRequestAsync(again))["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RememberedConsent_PublicClientWithAppSchemeRedirect_IsNotSkipped()
    {
        // A custom scheme can be claimed by any app on the device: Hydra never skips consent for such a public client.
        var client = await server.CreateCodeClientAsync(authMethod: "none", redirectUri: "com.example.app:/callback");
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read"]);

        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject })));

        Assert.False(consent["skip"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RememberedConsent_PublicClientWithLoopbackRedirect_IsSkipped()
    {
        var client = await server.CreateCodeClientAsync(authMethod: "none");
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        await RememberAsync(browser, client, subject, ["read"]);

        // The redirect URI is left out: the client's only one is used, and it is a web redirect.
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["redirect_uri"] = null;
        var challenge = await browser.StartAsync(query);
        var consent = await server.ConsentRequestAsync(await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject })));

        Assert.True(consent["skip"]!.GetValue<bool>());
    }
}

public sealed class SqliteRememberedSessionFlowTests(SqliteServerFixture server) : RememberedSessionFlowTests<SqliteServerFixture>(server);

public sealed class PostgresRememberedSessionFlowTests(PostgresServerFixture server) : RememberedSessionFlowTests<PostgresServerFixture>(server);
