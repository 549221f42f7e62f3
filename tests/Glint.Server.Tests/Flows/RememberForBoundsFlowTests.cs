using System.Net;
using System.Text.Json.Nodes;
using Glint.Auth.Flows;
using Glint.Data;
using Glint.Data.Secrets;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// <c>remember_for</c> takes 0 to ten years; what lies outside is Hydra's 400 at accept, and a value sealed or stored
/// before that bound existed is read without failing: never a 500 at the authorization endpoint.
/// </summary>
public abstract class RememberForBoundsFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const long TenYears = 315_360_000;

    private static readonly FlowSealer ServerSealer = new(new SystemSecret(GlintServerFixture.Secret));

    private static async Task AssertRememberForRefusedAsync(HttpResponseMessage response)
    {
        var (status, body) = await StatusAndJsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        Assert.Equal($"Field 'remember_for' must be a number of seconds from 0 to {TenYears} (0: remembered without expiry).", body["error_description"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(TenYears + 1)]
    [InlineData(long.MaxValue)]
    public async Task LoginAccept_WithRememberForOutOfRange_IsBadRequest_AndTheChallengeStillWorks(long rememberFor)
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        using var response = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={Uri.EscapeDataString(challenge)}",
            HydraClientCalls.Json(new { subject = NewSubject(), remember = true, remember_for = rememberFor }));

        await AssertRememberForRefusedAsync(response);
        await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject(), remember = true, remember_for = 3600 }));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(TenYears + 1)]
    [InlineData(long.MaxValue)]
    public async Task ConsentAccept_WithRememberForOutOfRange_IsBadRequest_AndTheChallengeStillWorks(long rememberFor)
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject }));

        using var response = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/consent/accept?consent_challenge={Uri.EscapeDataString(consentChallenge)}",
            HydraClientCalls.Json(new { grant_scope = new[] { "read" }, remember = true, remember_for = rememberFor }));

        await AssertRememberForRefusedAsync(response);
        var callback = await browser.FollowToClientAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } }));
        Assert.NotNull(callback.Code);
    }

    [Fact]
    public async Task RememberFor_OfTenYears_RemembersLoginAndConsent()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        await browser.RunAsync(BrowserSession.Query(client, "read", verifier),
            new { subject, remember = true, remember_for = TenYears },
            new { grant_scope = new[] { "read" }, remember = true, remember_for = TenYears },
            verifier);

        var next = await browser.RunAsync(BrowserSession.Query(client, "read", verifier), new { subject }, new { grant_scope = new[] { "read" } }, verifier);

        Assert.True(next.LoginRequest["skip"]!.GetValue<bool>());
        Assert.True(next.ConsentRequest["skip"]!.GetValue<bool>());
        Assert.NotNull(next.Callback.Code);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(-5)]
    public async Task StoredConsent_WithARememberForFromBeforeTheBound_IsStillRemembered(long stored)
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        await browser.RunAsync(BrowserSession.Query(client, "read", verifier),
            new { subject, remember = true, remember_for = 3600 },
            new { grant_scope = new[] { "read" }, remember = true, remember_for = 3600 },
            verifier);
        await StoreConsentRememberForAsync(subject, stored);

        var next = await browser.RunAsync(BrowserSession.Query(client, "read", verifier), new { subject }, new { grant_scope = new[] { "read" } }, verifier);

        Assert.True(next.ConsentRequest["skip"]!.GetValue<bool>());
        Assert.NotNull(next.Callback.Code);
        using var listed = await server.Admin.GetAsync($"/admin/oauth2/auth/sessions/consent?subject={Uri.EscapeDataString(subject)}");
        Assert.Equal(stored, (await OkArrayAsync(listed)).Single()!["remember_for"]!.GetValue<long>());
    }

    [Fact]
    public async Task LoginVerifier_SealedWithAHugeRememberFor_RemembersTheSession()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var redirectTo = await server.AcceptLoginAsync(challenge, new { subject, remember = true, remember_for = 3600 });
        // A verifier sealed before remember_for was bounded: the same flow, with the value the admin API took then.
        var query = QueryHelpers.ParseQuery(new Uri(redirectTo).Query).ToDictionary(pair => pair.Key, pair => (string?)pair.Value.ToString());
        var flow = ServerSealer.Unseal(query[AuthorizationFlows.LoginVerifier], FlowPurpose.LoginVerifier)!;
        flow.Document.Login!.RememberFor = long.MaxValue;
        query[AuthorizationFlows.LoginVerifier] = ServerSealer.Seal(flow, FlowPurpose.LoginVerifier);

        using var followed = await browser.AuthorizeAsync(query);
        Assert.Equal(HttpStatusCode.Found, followed.StatusCode);
        Assert.Contains("consent_challenge=", followed.Headers.Location!.Query, StringComparison.Ordinal);

        var next = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier())));
        Assert.True(next["skip"]!.GetValue<bool>());
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var session = await db.LoginSessions.AsNoTracking().SingleAsync(row => row.Subject == subject, TestContext.Current.CancellationToken);
        Assert.InRange(session.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(3649), DateTimeOffset.UtcNow.AddDays(3651));
    }

    private async Task StoreConsentRememberForAsync(string subject, long rememberFor)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var flow = await db.OAuthFlows.SingleAsync(row => row.Subject == subject && row.ConsentRemembered, TestContext.Current.CancellationToken);
        var document = JsonNode.Parse(flow.Document)!;
        document["consent"]!["remember_for"] = rememberFor;
        flow.Document = document.ToJsonString();
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<JsonArray> OkArrayAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }
}

public sealed class SqliteRememberForBoundsFlowTests(SqliteServerFixture server) : RememberForBoundsFlowTests<SqliteServerFixture>(server);

public sealed class PostgresRememberForBoundsFlowTests(PostgresServerFixture server) : RememberForBoundsFlowTests<PostgresServerFixture>(server);
