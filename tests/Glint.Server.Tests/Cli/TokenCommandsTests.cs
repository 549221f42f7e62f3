using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using static Glint.Server.Tests.Cli.GlintCli;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Cli;

/// <summary><c>glint perform</c>, <c>introspect token</c>, <c>revoke token</c> and <c>delete access-tokens</c> against a running Glint.</summary>
public abstract partial class TokenCommandsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<(string Id, string Secret)> ServiceClientAsync(string authMethod = "client_secret_basic")
    {
        var client = await server.CliCreateClientAsync("--grant-type", "client_credentials", "--scope", "read,write", "--token-endpoint-auth-method", authMethod);
        return (client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>());
    }

    private async Task<string> ClientCredentialsTokenAsync(string id, string secret)
    {
        var run = await RunAsync(["perform", "client-credentials", .. server.PublicEndpoint(), "--client-id", id, "--client-secret", secret, "--scope", "read", "--format", "json"]);
        Assert.True(run.Exit == 0, run.ToString());
        return run.Json["access_token"]!.GetValue<string>();
    }

    [Fact]
    public async Task PerformClientCredentials_PrintsTheTokenResponse_AndTheTokenIsActive()
    {
        var (id, secret) = await ServiceClientAsync();

        var json = await RunAsync(["perform", "client-credentials", .. server.PublicEndpoint(), "--client-id", id, "--client-secret", secret, "--scope", "read", "--format", "json"]);
        var table = await RunAsync(["perform", "client-credentials", .. server.PublicEndpoint(), "--client-id", id, "--client-secret", secret, "--scope", "read,write"]);

        Assert.True(json.Exit == 0, json.ToString());
        Assert.Equal("bearer", json.Json["token_type"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("read", json.Json["scope"]!.GetValue<string>());
        var introspected = await server.IntrospectAsync(json.Json["access_token"]!.GetValue<string>());
        Assert.True(introspected["active"]!.GetValue<bool>());
        Assert.Equal(id, introspected["client_id"]!.GetValue<string>());
        Assert.Matches(@"^ACCESS TOKEN\s+glint_at_\S+$", table.Output.Split('\n')[0]);
        Assert.Matches(@"(?m)^SCOPE\s+read write$", table.Output);
    }

    [Fact]
    public async Task PerformClientCredentials_ClientSecretPost_IsDetectedAsTheHydraCliDoes()
    {
        var (id, secret) = await ServiceClientAsync("client_secret_post");

        var token = await ClientCredentialsTokenAsync(id, secret);

        Assert.True(await server.IsActiveAsync(token));
    }

    [Fact]
    public async Task PerformClientCredentials_WrongSecret_PrintsTheOAuthError()
    {
        var (id, _) = await ServiceClientAsync();

        var run = await RunAsync(["perform", "client-credentials", .. server.PublicEndpoint(), "--client-id", id, "--client-secret", "not-the-secret"]);

        Assert.Equal(1, run.Exit);
        Assert.Contains($"POST http://127.0.0.1:{server.PublicPort}/oauth2/token answered 401", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  error:\s+invalid_client$", run.Error);
    }

    [Fact]
    public async Task IntrospectToken_ShowsWhoTheTokenIsFor_AndChecksScopes()
    {
        var (id, secret) = await ServiceClientAsync();
        var token = await ClientCredentialsTokenAsync(id, secret);

        var table = await RunAsync(["introspect", "token", token, .. server.AdminEndpoint()]);
        var json = await RunAsync(["introspect", "token", token, .. server.AdminEndpoint(), "--format", "json"]);
        var missingScope = await RunAsync(["introspect", "token", token, .. server.AdminEndpoint(), "--scope", "write", "--format", "json"]);

        Assert.True(table.Exit == 0, table.ToString());
        Assert.Matches(@"(?m)^ACTIVE\s+true$", table.Output);
        Assert.Matches($@"(?m)^CLIENT ID\s+{Regex.Escape(id)}$", table.Output);
        Assert.Matches(@"(?m)^TOKEN USE\s+access_token$", table.Output);
        Assert.Matches(@"(?m)^EXPIRY\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", table.Output);
        Assert.True(JsonNode.DeepEquals(await server.IntrospectAsync(token), json.Json), json.Output);
        Assert.False(missingScope.Json["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RevokeToken_OnThePublicPort_MakesTheTokenInactive()
    {
        var (id, secret) = await ServiceClientAsync();
        var token = await ClientCredentialsTokenAsync(id, secret);

        var run = await RunAsync(["revoke", "token", token, .. server.PublicEndpoint(), "--client-id", id, "--client-secret", secret]);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.False(await server.IsActiveAsync(token));
    }

    [Fact]
    public async Task DeleteAccessTokens_RevokesEveryAccessTokenOfTheClient()
    {
        var (id, secret) = await ServiceClientAsync();
        var tokens = new[] { await ClientCredentialsTokenAsync(id, secret), await ClientCredentialsTokenAsync(id, secret) };

        var run = await RunAsync(["delete", "access-tokens", id, .. server.AdminEndpoint()]);

        Assert.True(run.Exit == 0, run.ToString());
        foreach (var token in tokens)
        {
            Assert.False(await server.IsActiveAsync(token));
        }
    }

    /// <summary>
    /// Starts <c>glint perform authorization-code</c>, plays the browser and the login and consent apps (through the
    /// admin API), and returns the command's result and the authorization URL it printed.
    /// </summary>
    private async Task<(CliRun Run, string AuthorizationUrl, ClientCallback Callback)> PerformAuthorizationCodeAsync(
        string clientId, string? secret, string subject, bool acceptConsent)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2)); // only so that a broken flow fails instead of hanging
        var port = FreePort();
        var output = new CapturedWriter();
        var error = new CapturedWriter();
        string[] credentials = secret is null ? ["--client-id", clientId] : ["--client-id", clientId, "--client-secret", secret];
        var command = RunAsync(
            ["perform", "authorization-code", .. server.PublicEndpoint(), .. credentials, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--scope", "openid,offline", "--scope", "read", "--no-open", "--format", "json"],
            output, error, timeout.Token);

        var url = await error.WaitForAsync(AuthorizationUrl(), timeout.Token);
        using var browser = new BrowserSession(server);
        using (var authorize = await browser.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
            var loginChallenge = QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["login_challenge"].ToString();
            var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(loginChallenge, new { subject }));
            var redirect = acceptConsent
                ? await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "openid", "offline", "read" } })
                : await server.RejectConsentAsync(consentChallenge, new { error = "access_denied", error_description = "The user said no." });
            var callback = await browser.FollowToClientAsync(redirect);
            Assert.Equal($"http://127.0.0.1:{port}/callback", callback.Location.GetLeftPart(UriPartial.Path));

            // The browser lands on the command's listener, which answers once it has exchanged the code.
            using var landing = new HttpClient();
            using var page = await landing.GetAsync(callback.Location, timeout.Token);
            Assert.Equal(acceptConsent ? HttpStatusCode.OK : HttpStatusCode.BadRequest, page.StatusCode);
            return (await command, url, callback);
        }
    }

    [Fact]
    public async Task PerformAuthorizationCode_ConfidentialClient_LogsInWithPkceAndPrintsTheTokens()
    {
        var client = await server.CliCreateClientAsync("--grant-type", "authorization_code,refresh_token", "--response-type", "code,id_token",
            "--scope", "openid,offline,read,write", "--redirect-uri", "http://127.0.0.1/callback");
        var subject = NewSubject();

        var (run, url, callback) = await PerformAuthorizationCodeAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), subject, acceptConsent: true);

        Assert.True(run.Exit == 0, run.ToString());
        var query = QueryHelpers.ParseQuery(new Uri(url).Query);
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.Equal("openid offline read", query["scope"].ToString());
        Assert.Equal(query["state"].ToString(), callback.State);
        var tokens = run.Json;
        Assert.StartsWith("glint_rt_", tokens["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(subject, JwtPayload(tokens["id_token"]!.GetValue<string>())["sub"]!.GetValue<string>());
        Assert.Equal(query["nonce"].ToString(), JwtPayload(tokens["id_token"]!.GetValue<string>())["nonce"]!.GetValue<string>());
        var introspected = await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>());
        Assert.True(introspected["active"]!.GetValue<bool>());
        Assert.Equal(subject, introspected["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task PerformAuthorizationCode_PublicClient_ExchangesTheCodeWithTheVerifierAlone()
    {
        var client = await server.CliCreateClientAsync("--token-endpoint-auth-method", "none", "--grant-type", "authorization_code",
            "--scope", "openid,offline,read", "--redirect-uri", "http://127.0.0.1/callback");
        var subject = NewSubject();

        var (run, _, _) = await PerformAuthorizationCodeAsync(client["client_id"]!.GetValue<string>(), null, subject, acceptConsent: true);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Equal(subject, (await server.IntrospectAsync(run.Json["access_token"]!.GetValue<string>()))["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task PerformAuthorizationCode_RejectedConsent_PrintsTheErrorAndExitsNonZero()
    {
        var client = await server.CliCreateClientAsync("--scope", "openid,offline,read", "--redirect-uri", "http://127.0.0.1/callback");

        var (run, _, callback) = await PerformAuthorizationCodeAsync(client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>(), NewSubject(), acceptConsent: false);

        Assert.Equal("access_denied", callback.Error);
        Assert.Equal(1, run.Exit);
        Assert.Equal("", run.Output);
        Assert.Matches(@"(?m)^  error:\s+access_denied$", run.Error);
        Assert.Contains("The user said no.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PerformAuthorizationCode_PortInUse_SaysSo()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var run = await RunAsync(["perform", "authorization-code", .. server.PublicEndpoint(), "--client-id", "any", "--port", port, "--no-open"]);

        Assert.Equal(1, run.Exit);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/oauth2/auth\?\S+")]
    private static partial Regex AuthorizationUrl();
}

public sealed class SqliteTokenCommandsTests(SqliteServerFixture server) : TokenCommandsTests<SqliteServerFixture>(server);

public sealed class PostgresTokenCommandsTests(PostgresServerFixture server) : TokenCommandsTests<PostgresServerFixture>(server);
