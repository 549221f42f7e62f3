using System.Net;
using System.Text.RegularExpressions;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using static Glint.Server.Tests.Cli.GlintCli;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Cli;

/// <summary>
/// <c>glint perform device-code</c>: the command asks for codes, prints where to go, and polls (at the server's real
/// five-second interval) while the test plays the user through the verification endpoint and the admin API.
/// </summary>
public abstract partial class PerformDeviceCodeTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<(CliRun Run, string UserCode)> PerformAsync(string subject, bool approve)
    {
        var client = await server.CreateDeviceClientAsync();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2)); // only so that a broken flow fails instead of hanging
        var output = new CapturedWriter();
        var error = new CapturedWriter();
        var command = RunAsync(
            ["perform", "device-code", .. server.PublicEndpoint(), "--client-id", client.Id, "--client-secret", client.Secret!, "--scope", "openid,offline,read", "--format", "json"],
            output, error, timeout.Token);

        var complete = await error.WaitForAsync(CompleteUri(), timeout.Token);
        var userCode = QueryHelpers.ParseQuery(new Uri(complete).Query)["user_code"].ToString();
        using var browser = new BrowserSession(server);
        using (var verify = await browser.GetAsync(DeviceCalls.VerifyUrl(userCode.Replace("-", "", StringComparison.Ordinal))))
        {
            Assert.Equal(HttpStatusCode.Found, verify.StatusCode);
            var loginChallenge = QueryHelpers.ParseQuery(verify.Headers.Location!.Query)["login_challenge"].ToString();
            var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(loginChallenge, new { subject }));
            var redirect = approve
                ? await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "openid", "offline", "read" } })
                : await server.RejectConsentAsync(consentChallenge, new { error = "access_denied" });
            using var done = await browser.GetAsync(redirect);
            Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        }

        return (await command, userCode);
    }

    [Fact]
    public async Task PerformDeviceCode_Approved_PrintsTheTokens()
    {
        var subject = NewSubject();

        var (run, userCode) = await PerformAsync(subject, approve: true);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Contains(userCode, run.Error, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{server.PublicPort}/device", run.Error, StringComparison.Ordinal);
        Assert.Equal(subject, JwtPayload(run.Json["id_token"]!.GetValue<string>())["sub"]!.GetValue<string>());
        Assert.Equal(subject, (await server.IntrospectAsync(run.Json["access_token"]!.GetValue<string>()))["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task PerformDeviceCode_Denied_PrintsTheErrorAndExitsNonZero()
    {
        var (run, _) = await PerformAsync(NewSubject(), approve: false);

        Assert.Equal(1, run.Exit);
        Assert.Equal("", run.Output);
        Assert.Contains("access_denied", run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"http://\S+/device\?user_code=\S+")]
    private static partial Regex CompleteUri();
}

public sealed class SqlitePerformDeviceCodeTests(SqliteServerFixture server) : PerformDeviceCodeTests<SqliteServerFixture>(server);

public sealed class PostgresPerformDeviceCodeTests(PostgresServerFixture server) : PerformDeviceCodeTests<PostgresServerFixture>(server);
