using System.Net;
using System.Net.Http.Json;
using Glint.Login;
using Glint.Login.Codes;
using Glint.Server.Hosting;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Glint.Server.Tests.Login;

/// <summary>
/// A server behind a load balancer on loopback: <c>X-Forwarded-For</c> names the client, so each test is an address
/// of its own and the limits per address start from zero.
/// </summary>
public sealed class SqliteProxiedLoginServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ProxiedLogin.Values;
}

public sealed class PostgresProxiedLoginServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ProxiedLogin.Values;
}

public static class ProxiedLogin
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        [ConfigurationKeys.TrustedProxies] = "127.0.0.1/32",
    };
}

/// <summary>Tests that sign in through Blink's REST login as a client address of their own (a fresh one each test).</summary>
public abstract class ProxiedLoginTests<TServer>(TServer server) : IClassFixture<TServer>, IAsyncLifetime
    where TServer : GlintServerFixture
{
    protected TServer Server { get; } = server;

    protected string Ip { get; } = $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    protected LoginRules Rules { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Rules = await LoginRules.OpenAsync(Server);

    public async ValueTask DisposeAsync()
    {
        await Rules.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected async Task<HttpResponseMessage> PostAsync(string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", Ip);
        return await Server.Public.SendAsync(request);
    }
}

/// <summary>
/// The sign-in limits counted in the database hold under a burst: concurrent requests, as an attacker sends them,
/// get exactly the limit and not one more, through Blink's REST login.
/// </summary>
public abstract class ConcurrentLoginLimitsTests<TServer>(TServer server) : ProxiedLoginTests<TServer>(server)
    where TServer : GlintServerFixture
{
    private const int Burst = 40;

    private async Task<HttpStatusCode> RequestCodeAsync(string email)
    {
        using var response = await PostAsync("/auth/email/code", new { email });
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
            $"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode[]> AllAtOnceAsync(Func<int, Task<HttpStatusCode>> request)
    {
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, Burst).Select(async i =>
        {
            await start.WaitAsync();
            return await request(i);
        }).ToList();
        start.Release(Burst);
        return await Task.WhenAll(requests);
    }

    [Fact]
    public async Task Concurrent_code_requests_for_one_email_send_exactly_the_limit_per_email()
    {
        var email = LoginRules.NewEmail();

        var statuses = await AllAtOnceAsync(_ => RequestCodeAsync(email));

        Assert.Equal(4, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(4, await Rules.InDbAsync(db => db.LoginCodes.CountAsync(code => code.Email == email)));
        Assert.Equal(4, await Rules.InDbAsync(db => db.Outbox.CountAsync(message => message.To == email)));
    }

    [Fact]
    public async Task Concurrent_code_requests_on_the_login_page_send_exactly_the_limit_per_email()
    {
        // The only test here without X-Forwarded-For: 127.0.0.1 is an address of its own on this Server.
        var client = await Server.CreateCodeClientAsync(scope: "openid read");
        using var pages = new LoginPages(Server);
        var (login, _) = await pages.GoAsync(QueryHelpers.AddQueryString("/oauth2/auth", BrowserSession.Query(client, "openid read", null).Where(pair => pair.Value is not null)));
        Assert.Equal("/login", login!.Path);
        var email = LoginRules.NewEmail();

        var statuses = await AllAtOnceAsync(async _ =>
        {
            var (page, _) = await pages.SubmitAsync(login, "/login", [new("Email", email), new("Action", "next")]);
            return page?.Path == "/login/code" ? HttpStatusCode.OK : HttpStatusCode.BadRequest;
        });

        Assert.Equal(4, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(4, await Rules.InDbAsync(db => db.Outbox.CountAsync(message => message.To == email)));
    }

    [Fact]
    public async Task Concurrent_code_requests_from_one_address_send_exactly_the_limit_per_address()
    {
        var emails = Enumerable.Range(0, Burst).Select(_ => LoginRules.NewEmail()).ToArray();

        var statuses = await AllAtOnceAsync(i => RequestCodeAsync(emails[i]));

        Assert.Equal(16, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(16, await Rules.InDbAsync(db => db.LoginCodes.CountAsync(code => code.IpAddress == Ip)));
    }

    [Fact]
    public async Task Concurrent_wrong_codes_record_exactly_the_failures_per_email_then_lock_the_email()
    {
        // Each code survives three wrong guesses, and a guess on one code waits for the one before it; so that the
        // race is on the email's count alone, this email may have twenty-one codes at once: sixty guesses to take on twenty, six allowed.
        await using var rules = await LoginRules.OpenAsync(Server, limits: new LoginLimits { CodesPerEmail = 21, CodesPerIp = 100 });
        var email = LoginRules.NewEmail();
        var attempts = new List<(string Id, string Code)>();
        for (var i = 0; i < 20; i++)
        {
            attempts.Add(await rules.CodeForAsync(email));
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => Task.Run(() =>
        {
            var (id, code) = attempts[i % attempts.Count];
            return rules.CheckCodeAsync(id, LoginRules.Wrong(code));
        })));

        Assert.Equal(6, await rules.InDbAsync(db => db.LoginFailures.CountAsync(failure => failure.Identifier == email)));
        Assert.Equal(Burst - 6, outcomes.Count(outcome => ReferenceEquals(outcome, LoginOutcome.RateLimited)));
        // Locked: even the right code of a code nobody guessed wrong is refused now.
        var (untouchedId, untouchedCode) = await rules.CodeForAsync(email);
        Assert.Same(LoginOutcome.RateLimited, await rules.CheckCodeAsync(untouchedId, untouchedCode));
    }

    [Fact]
    public async Task Concurrent_wrong_codes_through_the_rest_login_record_no_more_than_the_failures_per_email()
    {
        var email = LoginRules.NewEmail();
        var attempts = new List<(string Id, string Code)>();
        for (var i = 0; i < 4; i++)
        {
            using var sent = await PostAsync("/auth/email/code", new { email });
            var id = (await sent.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["result"]!.GetValue<string>();
            attempts.Add((id, await Rules.LastCodeAsync(email)));
        }

        var statuses = await AllAtOnceAsync(async i =>
        {
            var (id, code) = attempts[i % attempts.Count];
            using var response = await PostAsync("/auth/email/login", new { emailLoginId = id, code = LoginRules.Wrong(code) });
            return response.StatusCode;
        });

        Assert.Equal(6, await Rules.InDbAsync(db => db.LoginFailures.CountAsync(failure => failure.Identifier == email)));
        Assert.Equal(6, statuses.Count(status => status == HttpStatusCode.Unauthorized));
        // The rest are refused: 429 once the email is locked, or 400 for a code that had its three guesses before that.
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests or HttpStatusCode.BadRequest, $"unexpected {status}"));
        var (liveId, liveCode) = attempts[3];
        using var right = await PostAsync("/auth/email/login", new { emailLoginId = liveId, code = liveCode });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }
}

public sealed class SqliteConcurrentLoginLimitsTests(SqliteProxiedLoginServer server) : ConcurrentLoginLimitsTests<SqliteProxiedLoginServer>(server);

public sealed class PostgresConcurrentLoginLimitsTests(PostgresProxiedLoginServer server) : ConcurrentLoginLimitsTests<PostgresProxiedLoginServer>(server);
