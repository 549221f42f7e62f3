using System.Net;
using Glint.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>Challenges and verifiers: missing, unknown, used, replayed, or carried to another browser.</summary>
public abstract class ChallengeLifecycleFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData("login")]
    [InlineData("consent")]
    public async Task Challenge_Missing_IsBadRequest(string kind)
    {
        using var response = kind == "login" ? await server.GetLoginRequestAsync(null) : await server.GetConsentRequestAsync(null);
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("login")]
    [InlineData("consent")]
    public async Task Challenge_Unknown_IsNotFound(string kind)
    {
        var challenge = Pkce.NewVerifier();
        using var response = kind == "login" ? await server.GetLoginRequestAsync(challenge) : await server.GetConsentRequestAsync(challenge);
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Not Found", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginChallenge_AfterVerifierUsed_IsGoneWithRedirectTo()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var requestUrl = (await server.LoginRequestAsync(challenge))["request_url"]!.GetValue<string>();
        await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));

        using var get = await server.GetLoginRequestAsync(challenge);
        var (status, body) = await StatusAndJsonAsync(get);
        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={challenge}", HydraClientCalls.Json(new { subject = NewSubject() }));

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal(requestUrl, body["redirect_to"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, accept.StatusCode);
    }

    [Fact]
    public async Task ConsentChallenge_AfterVerifierUsed_IsGoneWithRedirectTo()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, NewSubject(), "read", ["read"]);

        using var get = await server.GetConsentRequestAsync(run.ConsentChallenge);
        var (status, body) = await StatusAndJsonAsync(get);
        using var reject = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/consent/reject?consent_challenge={run.ConsentChallenge}", HydraClientCalls.Json(new { }));

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal(run.ConsentRequest["request_url"]!.GetValue<string>(), body["redirect_to"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, reject.StatusCode);
    }

    [Fact]
    public async Task LoginAccept_AfterVerifierUsed_IsGoneBeforeAnyOtherError_AndStoresNoAuditRow()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var requestUrl = (await server.LoginRequestAsync(challenge))["request_url"]!.GetValue<string>();
        await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var answers = await AuditRowsAsync("admin.call", "PUT /admin/oauth2/auth/requests/login/accept");

        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={challenge}", HydraClientCalls.Json(new { subject = NewSubject() }));
        var (status, body) = await StatusAndJsonAsync(accept);
        using var noSubject = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={challenge}", HydraClientCalls.Json(new { subject = "" }));

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal(requestUrl, body["redirect_to"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, noSubject.StatusCode);
        Assert.Equal(answers, await AuditRowsAsync("admin.call", "PUT /admin/oauth2/auth/requests/login/accept"));
    }

    [Fact]
    public async Task ConsentAccept_AfterVerifierUsed_IsGoneBeforeAnyOtherError_AndStoresNoAuditRow()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, subject, "read", ["read"]);

        using var accept = await server.Admin.PutAsync(
            $"/admin/oauth2/auth/requests/consent/accept?consent_challenge={run.ConsentChallenge}", HydraClientCalls.Json(new { grant_scope = new[] { "read" } }));
        var (status, body) = await StatusAndJsonAsync(accept);
        using var widened = await server.Admin.PutAsync(
            $"/admin/oauth2/auth/requests/consent/accept?consent_challenge={run.ConsentChallenge}", HydraClientCalls.Json(new { grant_scope = new[] { "write" } }));

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Equal(run.ConsentRequest["request_url"]!.GetValue<string>(), body["redirect_to"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, widened.StatusCode);
        // The one consent.granted row is the first answer's.
        Assert.Equal(1, await AuditRowsAsync("consent.granted", "read", subject));
    }

    [Fact]
    public async Task Accepts_OfUnusedChallenges_AreStoredWithTheirAuditRows()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        var loginAnswers = await AuditRowsAsync("admin.call", "PUT /admin/oauth2/auth/requests/login/accept");

        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, subject, "read", ["read"]);

        Assert.NotNull(run.Callback.Code);
        Assert.Equal(loginAnswers + 1, await AuditRowsAsync("admin.call", "PUT /admin/oauth2/auth/requests/login/accept"));
        Assert.Equal(1, await AuditRowsAsync("consent.granted", "read", subject));
    }

    private async Task<int> AuditRowsAsync(string action, string target, string? subject = null)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        return await db.AuditEvents.CountAsync(
            row => row.Action == action && row.Target == target && (subject == null || row.Subject == subject), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task LoginVerifier_FollowedTwice_SecondIsRefused()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        var challenge = await browser.StartAsync(query);
        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject = NewSubject() });

        await browser.FollowToConsentAsync(redirectTo);
        var replay = await browser.FollowToClientAsync(redirectTo);

        Assert.Equal("access_denied", replay.Error);
        Assert.Equal(query["state"], replay.State);
        Assert.Null(replay.Code);
    }

    [Fact]
    public async Task ConsentVerifier_FollowedTwice_SecondIsRefused()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var redirectTo = await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } });

        var first = await browser.FollowToClientAsync(redirectTo);
        var replay = await browser.FollowToClientAsync(redirectTo);

        Assert.NotNull(first.Code);
        Assert.Equal("access_denied", replay.Error);
        Assert.Null(replay.Code);
    }

    [Fact]
    public async Task LoginVerifier_InAnotherBrowser_IsRefusedButStillWorksInTheFirst()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject = NewSubject() });

        using var attacker = new BrowserSession(server);
        var stolen = await attacker.FollowToClientAsync(redirectTo);

        Assert.Equal("request_forbidden", stolen.Error);
        Assert.Null(stolen.Code);
        await browser.FollowToConsentAsync(redirectTo);
    }

    [Fact]
    public async Task ConsentVerifier_InAnotherBrowser_IsRefusedAndIssuesNoCode()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var redirectTo = await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } });

        using var attacker = new BrowserSession(server);
        var stolen = await attacker.FollowToClientAsync(redirectTo);

        Assert.Equal("request_forbidden", stolen.Error);
        Assert.Null(stolen.Code);
        Assert.NotNull((await browser.FollowToClientAsync(redirectTo)).Code);
    }

    [Fact]
    public async Task LoginVerifier_ForAnotherClientsFlow_IsRefused()
    {
        var client = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var redirectTo = new Uri(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var verifier = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(redirectTo.Query)["login_verifier"].ToString();

        var query = BrowserSession.Query(other, "read", Pkce.NewVerifier());
        query["login_verifier"] = verifier;
        using var response = await browser.AuthorizeAsync(query);
        var callback = await BrowserSession.ToClientAsync(response);

        Assert.NotNull(callback.Error);
        Assert.Null(callback.Code);
    }
}

public sealed class SqliteChallengeLifecycleFlowTests(SqliteServerFixture server) : ChallengeLifecycleFlowTests<SqliteServerFixture>(server);

public sealed class PostgresChallengeLifecycleFlowTests(PostgresServerFixture server) : ChallengeLifecycleFlowTests<PostgresServerFixture>(server);

/// <summary>Challenges past <c>ttl.login_consent_request</c> (one second here).</summary>
public abstract class ExpiredChallengeFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    private static readonly TimeSpan PastTtl = TimeSpan.FromMilliseconds(1600);

    [Fact]
    public async Task LoginChallenge_Expired_IsRequestUnauthorized()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        server.Clock.Advance(PastTtl);
        using var get = await server.GetLoginRequestAsync(challenge);
        var (status, body) = await StatusAndJsonAsync(get);
        using var accept = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={challenge}", HydraClientCalls.Json(new { subject = NewSubject() }));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("request_unauthorized", body["error"]!.GetValue<string>());
        Assert.Contains("expired", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, accept.StatusCode);
    }

    [Fact]
    public async Task ConsentChallenge_Expired_IsRequestUnauthorized()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));

        server.Clock.Advance(PastTtl);
        using var get = await server.GetConsentRequestAsync(consentChallenge);
        var (status, body) = await StatusAndJsonAsync(get);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("request_unauthorized", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoginVerifier_Expired_IsRefusedAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject = NewSubject() });
        browser.KeepCookiesPastExpiry();

        server.Clock.Advance(PastTtl);
        var callback = await browser.FollowToClientAsync(redirectTo);

        Assert.Equal("request_unauthorized", callback.Error);
        Assert.Null(callback.Code);
    }

    [Fact]
    public async Task ConsentVerifier_Expired_IsRefusedAtClient()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var redirectTo = await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } });
        browser.KeepCookiesPastExpiry();

        server.Clock.Advance(PastTtl);
        var callback = await browser.FollowToClientAsync(redirectTo);

        Assert.Equal("request_unauthorized", callback.Error);
        Assert.Null(callback.Code);
    }
}

public sealed class SqliteExpiredChallengeFlowTests(SqliteShortChallengeServer server) : ExpiredChallengeFlowTests<SqliteShortChallengeServer>(server);

public sealed class PostgresExpiredChallengeFlowTests(PostgresShortChallengeServer server) : ExpiredChallengeFlowTests<PostgresShortChallengeServer>(server);
