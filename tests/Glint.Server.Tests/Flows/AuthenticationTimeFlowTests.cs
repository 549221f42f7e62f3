using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary><c>auth_time</c> is when the user authenticated, not when a later flow reused that login (OIDC Core 2, 3.1.2.1 max_age).</summary>
public abstract class AuthenticationTimeFlowTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : GlintServerFixture, IClockedServer
{
    private async Task<(FlowRun Run, long AuthTime)> FlowAsync(BrowserSession browser, FlowClient client, string subject, string? maxAge = null)
    {
        var verifier = Pkce.NewVerifier();
        var query = BrowserSession.Query(client, "openid read", verifier);
        query["nonce"] = "nonce-" + Guid.NewGuid().ToString("N");
        if (maxAge is not null)
        {
            query["max_age"] = maxAge;
        }

        var run = await browser.RunAsync(query,
            new { subject, remember = true, remember_for = 3600 },
            new { grant_scope = new[] { "openid", "read" } },
            verifier);
        var tokens = await server.TokensAsync(client, run);
        return (run, JwtPayload(tokens["id_token"]!.GetValue<string>())["auth_time"]!.GetValue<long>());
    }

    [Fact]
    public async Task SkippedLogin_MinutesLater_KeepsTheFirstAuthTime()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var (_, first) = await FlowAsync(browser, client, subject);

        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var (second, reused) = await FlowAsync(browser, client, subject, maxAge: "10000");

        Assert.True(second.LoginRequest["skip"]!.GetValue<bool>());
        Assert.Equal(first, reused);
    }

    [Fact]
    public async Task MaxAgeBeyondAnyDate_SkipsTheLoginOfARememberedSession()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var (_, first) = await FlowAsync(browser, client, subject);

        // Added to the login's time, the longest max_age a request may carry runs past the calendar's end.
        var (second, reused) = await FlowAsync(browser, client, subject, maxAge: long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(second.LoginRequest["skip"]!.GetValue<bool>());
        Assert.Equal(first, reused);
    }

    [Fact]
    public async Task MaxAgeShorterThanTheSession_AsksAgainAndMovesAuthTime()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var (_, first) = await FlowAsync(browser, client, subject);

        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var (second, again) = await FlowAsync(browser, client, subject, maxAge: "60");

        Assert.False(second.LoginRequest["skip"]!.GetValue<bool>());
        Assert.Equal(first + 600, again);
    }
}

public sealed class SqliteAuthenticationTimeFlowTests(SqliteClockedServer server) : AuthenticationTimeFlowTests<SqliteClockedServer>(server);

public sealed class PostgresAuthenticationTimeFlowTests(PostgresClockedServer server) : AuthenticationTimeFlowTests<PostgresClockedServer>(server);
