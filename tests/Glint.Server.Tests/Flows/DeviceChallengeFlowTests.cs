using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// The device challenge for an external device verification page (<c>urls.device.verification</c>), as Hydra 2.3 has
/// it: the verification endpoint sends the browser to the page with a <c>device_challenge</c>, the page accepts the
/// user code on the admin API and sends the browser on with <c>redirect_to</c>, and the usual login and consent run.
/// </summary>
public abstract class DeviceChallengeFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    public const string DevicePage = "http://127.0.0.1:9/device-app";
    public const string SuccessPage = "http://127.0.0.1:9/device-done";
    private const string AdminPath = "/admin/oauth2/auth/requests/device";

    /// <summary>The browser at the verification URI: sent to the device page; returns the device challenge and the prefilled code.</summary>
    private static async Task<(string Challenge, string? Prefill)> ChallengeAsync(BrowserSession browser, string verificationUri)
    {
        using var response = await browser.GetAsync(verificationUri);
        var location = response.Headers.Location;
        Assert.True(response.StatusCode == HttpStatusCode.Found && location is not null, $"{(int)response.StatusCode} to '{location}'");
        Assert.Equal(DevicePage, location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        return (query["device_challenge"].ToString(), query.TryGetValue("user_code", out var code) ? code.ToString() : null);
    }

    private async Task<HttpResponseMessage> AcceptAsync(string challenge, string userCode) =>
        await server.Admin.PutAsJsonAsync($"{AdminPath}/accept?device_challenge={Uri.EscapeDataString(challenge)}", new { user_code = userCode });

    private static async Task AssertHydraErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.NotNull(body["error_description"]);
        Assert.Equal(["error", "error_description"], body.Select(pair => pair.Key).Order());
    }

    private async Task<string> FollowToAppAsync(BrowserSession browser, string url, string kind)
    {
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await browser.GetAsync(url);
            var location = response.Headers.Location;
            Assert.True(response.StatusCode == HttpStatusCode.Found && location is not null, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            if (location.GetLeftPart(UriPartial.Path) == $"http://127.0.0.1:{server.PublicPort}/{kind}")
            {
                return QueryHelpers.ParseQuery(location.Query)[$"{kind}_challenge"].ToString();
            }

            url = location.ToString();
        }

        throw new InvalidOperationException($"never reached the {kind} app");
    }

    [Fact]
    public async Task ExternalDevicePage_AcceptsTheUserCode_ThenLoginAndConsentRun_AndTheDeviceGetsTokens()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "openid read");
        var verificationUri = device["verification_uri"]!.GetValue<string>();
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/device/verify", verificationUri);
        var userCode = device["user_code"]!.GetValue<string>();

        using var browser = new BrowserSession(server);
        var (challenge, prefill) = await ChallengeAsync(browser, device["verification_uri_complete"]!.GetValue<string>());
        Assert.Equal(userCode.Replace("-", "", StringComparison.Ordinal), prefill);

        var request = JsonNode.Parse(await server.Admin.GetStringAsync($"{AdminPath}?device_challenge={Uri.EscapeDataString(challenge)}"))!;
        Assert.Equal(challenge, request["challenge"]!.GetValue<string>());
        Assert.Equal(verificationUri, request["request_url"]!.GetValue<string>());

        // Typed as a user types it: lower case, with the dash.
        using var accepted = await AcceptAsync(challenge, userCode.ToLowerInvariant());
        var redirectTo = (await OkJsonAsync(accepted, "device accept"))["redirect_to"]!.GetValue<string>();
        var back = QueryHelpers.ParseQuery(new Uri(redirectTo).Query);
        Assert.Equal(client.Id, back["client_id"].ToString());
        Assert.False(string.IsNullOrEmpty(back["device_verifier"].ToString()));
        Assert.StartsWith(verificationUri, redirectTo, StringComparison.Ordinal);

        var loginChallenge = await FollowToAppAsync(browser, redirectTo, "login");
        var login = await server.LoginRequestAsync(loginChallenge);
        Assert.Equal(client.Id, login["client"]!["client_id"]!.GetValue<string>());
        Assert.Equal(["openid", "read"], Strings(login["requested_scope"]));
        Assert.StartsWith(verificationUri, login["request_url"]!.GetValue<string>(), StringComparison.Ordinal);
        var consentChallenge = await FollowToAppAsync(browser, await server.AcceptLoginAsync(loginChallenge, new { subject = NewSubject() }), "consent");
        using var done = await browser.GetAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "openid", "read" } }));
        Assert.Equal($"{SuccessPage}?client_id={Uri.EscapeDataString(client.Id)}", done.Headers.Location!.ToString());

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, tokens) = await server.PollAsync(client, device);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.NotNull(tokens["id_token"]);
    }

    [Fact]
    public async Task UnknownMissingOrTamperedChallenge_IsHydraError()
    {
        using var missing = await server.Admin.GetAsync(AdminPath);
        await AssertHydraErrorAsync(missing, HttpStatusCode.BadRequest, "invalid_request");

        using var unknown = await server.Admin.GetAsync($"{AdminPath}?device_challenge=not-a-challenge");
        await AssertHydraErrorAsync(unknown, HttpStatusCode.NotFound, "Not Found");

        using var acceptUnknown = await AcceptAsync("not-a-challenge", "BCDFGHJK");
        await AssertHydraErrorAsync(acceptUnknown, HttpStatusCode.NotFound, "Not Found");
    }

    [Fact]
    public async Task UsedChallenge_IsGone_AndCannotBeAcceptedAgain()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "read");
        using var browser = new BrowserSession(server);
        var (challenge, _) = await ChallengeAsync(browser, device["verification_uri"]!.GetValue<string>());
        using var first = await AcceptAsync(challenge, device["user_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var again = await AcceptAsync(challenge, device["user_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.NotNull(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["redirect_to"]);
        using var read = await server.Admin.GetAsync($"{AdminPath}?device_challenge={Uri.EscapeDataString(challenge)}");
        Assert.Equal(HttpStatusCode.Gone, read.StatusCode);
    }

    [Fact]
    public async Task WrongUserCode_IsInvalidRequest_AndTheChallengeStaysUsable()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "read");
        using var browser = new BrowserSession(server);
        var (challenge, _) = await ChallengeAsync(browser, device["verification_uri"]!.GetValue<string>());

        using var wrong = await AcceptAsync(challenge, "BCDF-GHJK");
        await AssertHydraErrorAsync(wrong, HttpStatusCode.BadRequest, "invalid_request");
        using var malformed = await AcceptAsync(challenge, "12");
        await AssertHydraErrorAsync(malformed, HttpStatusCode.BadRequest, "invalid_request");
        using var empty = await AcceptAsync(challenge, "");
        await AssertHydraErrorAsync(empty, HttpStatusCode.BadRequest, "invalid_request");

        using var right = await AcceptAsync(challenge, device["user_code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task TamperedDeviceVerifier_EndsOnTheErrorPage()
    {
        using var browser = new BrowserSession(server);
        using var response = await browser.GetAsync("/oauth2/device/verify?device_verifier=forged&client_id=x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task ExpiredChallenge_IsUnauthorized()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "read");
        using var browser = new BrowserSession(server);
        var (challenge, _) = await ChallengeAsync(browser, device["verification_uri"]!.GetValue<string>());

        server.Clock.Advance(TimeSpan.FromMinutes(31));
        using var expired = await server.Admin.GetAsync($"{AdminPath}?device_challenge={Uri.EscapeDataString(challenge)}");
        await AssertHydraErrorAsync(expired, HttpStatusCode.Unauthorized, "request_unauthorized");
    }
}

public sealed class SqliteDeviceChallengeServer : SqliteServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.DeviceVerificationUrl] = DeviceChallengeFlowTests<SqliteDeviceChallengeServer>.DevicePage,
        [ConfigurationKeys.DeviceSuccessUrl] = DeviceChallengeFlowTests<SqliteDeviceChallengeServer>.SuccessPage,
    };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class PostgresDeviceChallengeServer : PostgresServerFixture, IClockedServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.DeviceVerificationUrl] = DeviceChallengeFlowTests<PostgresDeviceChallengeServer>.DevicePage,
        [ConfigurationKeys.DeviceSuccessUrl] = DeviceChallengeFlowTests<PostgresDeviceChallengeServer>.SuccessPage,
    };

    protected override void ReplaceServices(IServiceCollection services) => ClockedServer.Use(services, Clock);
}

public sealed class SqliteDeviceChallengeFlowTests(SqliteDeviceChallengeServer server) : DeviceChallengeFlowTests<SqliteDeviceChallengeServer>(server);

public sealed class PostgresDeviceChallengeFlowTests(PostgresDeviceChallengeServer server) : DeviceChallengeFlowTests<PostgresDeviceChallengeServer>(server);
