using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Login;
using Microsoft.AspNetCore.WebUtilities;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>The device authorization grant's calls (RFC 8628).</summary>
public static class DeviceCalls
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:device_code";

    public static Task<FlowClient> CreateDeviceClientAsync(this GlintServerFixture server, string[]? grantTypes = null) =>
        server.CreateCodeClientAsync(grantTypes: grantTypes ?? [GrantType, "refresh_token"]);

    /// <summary><c>POST /oauth2/device/auth</c>, the secret in HTTP Basic (the test clients' method) or, with <paramref name="inBody"/>, in the form.</summary>
    public static async Task<HttpResponseMessage> RequestDeviceCodeAsync(this GlintServerFixture server, FlowClient client, string scope, bool inBody = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/device/auth");
        var form = new Dictionary<string, string> { ["scope"] = scope };
        if (inBody)
        {
            form["client_id"] = client.Id;
            form["client_secret"] = client.Secret!;
        }
        else
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(client.Secret!)}")));
        }

        request.Content = new FormUrlEncodedContent(form);
        return await server.Public.SendAsync(request);
    }

    public static async Task<JsonObject> DeviceCodeAsync(this GlintServerFixture server, FlowClient client, string scope = "openid offline read")
    {
        using var response = await server.RequestDeviceCodeAsync(client, scope);
        return await OkJsonAsync(response, "device authorization");
    }

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PollAsync(this GlintServerFixture server, FlowClient client, JsonObject device)
    {
        using var response = await server.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = GrantType,
            ["device_code"] = device["device_code"]!.GetValue<string>(),
        });
        return await StatusAndJsonAsync(response);
    }

    public static async Task AssertPollErrorAsync(this GlintServerFixture server, FlowClient client, JsonObject device, string error)
    {
        var (status, body) = await server.PollAsync(client, device);
        Assert.True(status == HttpStatusCode.BadRequest && body["error"]?.GetValue<string>() == error, $"expected {error}, got {(int)status} {body.ToJsonString()}");
    }

    /// <summary>The verification endpoint with <paramref name="userCode"/>, as the <c>/device</c> page sends it.</summary>
    public static string VerifyUrl(string userCode) => QueryHelpers.AddQueryString("/oauth2/device/verify", "user_code", userCode);
}

/// <summary>
/// The device authorization grant (RFC 8628): the device gets a device code and a user code, polls the token
/// endpoint, and the user approves at the verification page through the usual login and consent.
/// </summary>
public abstract class DeviceAuthorizationFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    [Fact]
    public async Task DeviceCode_ApprovedThroughTheBuiltInPages_IsExchangedForTokensOnce()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client);

        var userCode = device["user_code"]!.GetValue<string>();
        Assert.Matches("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$", userCode);
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/device", device["verification_uri"]!.GetValue<string>());
        var complete = new Uri(device["verification_uri_complete"]!.GetValue<string>());
        Assert.Equal(userCode, QueryHelpers.ParseQuery(complete.Query)["user_code"].ToString());
        Assert.Equal(5, device["interval"]!.GetValue<long>());
        Assert.True(device["expires_in"]!.GetValue<long>() > 0);

        await server.AssertPollErrorAsync(client, device, "authorization_pending");
        // Polling again at once is too fast; the refused poll does not restart the interval.
        await server.AssertPollErrorAsync(client, device, "slow_down");
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        await server.AssertPollErrorAsync(client, device, "authorization_pending");

        using var pages = new LoginPages(server);
        var (entry, _) = await pages.GoAsync(complete.PathAndQuery);
        Assert.Equal("/device", entry!.Path);
        Assert.Equal("DENY", entry.Response.Headers.GetValues("X-Frame-Options").Single());
        // Typed in lower case with spaces: the page normalises the code before it is looked up.
        var typed = userCode.Replace("-", " ", StringComparison.Ordinal).ToLowerInvariant();
        var (login, _) = await pages.SubmitAsync(entry, "/device", [new("user_code", typed)]);
        Assert.Equal("/login", login!.Path);
        var email = $"device-{Guid.NewGuid():N}@example.com";
        var (code, _) = await pages.SubmitAsync(login, "/login", [new("Email", email), new("Action", "next"), new("Remember", "false")]);
        var (consent, _) = await pages.SubmitAsync(code!, "/login/code", [new("Code", await pages.LastCodeAsync(email))]);
        Assert.Equal("/consent", consent!.Path);
        var (done, callback) = await pages.DecideConsentAsync(consent, "allow", ["openid", "offline", "read"]);
        Assert.Null(callback);
        Assert.True(done!.Has("device-approved"), done.Html);

        server.Clock.Advance(TimeSpan.FromSeconds(5));
        var (status, tokens) = await server.PollAsync(client, device);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.NotNull(tokens["access_token"]);
        Assert.NotNull(tokens["refresh_token"]);
        Assert.NotNull(tokens["id_token"]);
        Assert.Equal(["offline", "openid", "read"], tokens["scope"]!.GetValue<string>().Split(' ').Order());
        Assert.True(await server.IsActiveAsync(tokens["access_token"]!.GetValue<string>()));

        // The device code is spent, and so is the user code.
        server.Clock.Advance(TimeSpan.FromSeconds(5));
        await server.AssertPollErrorAsync(client, device, "invalid_grant");
        using var again = await pages.Browser.GetAsync(DeviceCalls.VerifyUrl(userCode.Replace("-", "", StringComparison.Ordinal)));
        Assert.EndsWith("/device?outcome=invalid_user_code", again.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_AdvertisesTheDeviceEndpointAndGrant()
    {
        using var response = await server.Public.GetAsync("/.well-known/openid-configuration");
        var document = await OkJsonAsync(response, "discovery");

        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/device/auth", document["device_authorization_endpoint"]!.GetValue<string>());
        Assert.Contains(DeviceCalls.GrantType, Strings(document["grant_types_supported"]));
    }

    [Fact]
    public async Task DeviceCode_ConsentDenied_IsAccessDenied()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "read");
        using var browser = new BrowserSession(server);

        var loginChallenge = await ChallengeAsync(browser, DeviceCalls.VerifyUrl(Plain(device)), "login");
        var consentChallenge = await ChallengeAsync(browser, await server.AcceptLoginAsync(loginChallenge, new { subject = NewSubject() }), "consent");
        using var denied = await browser.GetAsync(await server.RejectConsentAsync(consentChallenge, new { error = "access_denied" }));

        Assert.EndsWith("/device?outcome=denied", denied.Headers.Location!.ToString(), StringComparison.Ordinal);
        await server.AssertPollErrorAsync(client, device, "access_denied");
    }

    [Fact]
    public async Task DeviceCode_ApprovedThroughTheAdminApi_CarriesTheGrant()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "read write");
        using var browser = new BrowserSession(server);
        var subject = NewSubject();

        var loginChallenge = await ChallengeAsync(browser, DeviceCalls.VerifyUrl(Plain(device)), "login");
        var login = await server.LoginRequestAsync(loginChallenge);
        Assert.Equal(client.Id, login["client"]!["client_id"]!.GetValue<string>());
        Assert.Equal(["read", "write"], Strings(login["requested_scope"]));
        var consentChallenge = await ChallengeAsync(browser, await server.AcceptLoginAsync(loginChallenge, new { subject }), "consent");
        using var approved = await browser.GetAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } }));
        Assert.EndsWith("/device?outcome=approved", approved.Headers.Location!.ToString(), StringComparison.Ordinal);

        var (status, tokens) = await server.PollAsync(client, device);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        var introspection = await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>());
        Assert.Equal(subject, introspection["sub"]!.GetValue<string>());
        Assert.Equal("read", introspection["scope"]!.GetValue<string>());
    }

    /// <summary>Hydra's <c>device_authorization_grant_*_lifespan</c>: a device grant's tokens, not the code grant's lifespans.</summary>
    [Fact]
    public async Task DeviceCode_ClientsDeviceGrantLifespans_SetTheTokensLifetimes()
    {
        var client = await server.CreateCodeClientFromBodyAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { DeviceCalls.GrantType, "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["scope"] = "openid offline read",
            ["redirect_uris"] = new[] { "http://127.0.0.1:9999/cb" },
            ["device_authorization_grant_access_token_lifespan"] = "7m",
            ["device_authorization_grant_id_token_lifespan"] = "11m",
            ["device_authorization_grant_refresh_token_lifespan"] = "13m",
            ["authorization_code_grant_access_token_lifespan"] = "3m",
        });
        var device = await server.DeviceCodeAsync(client, "openid offline read");
        using var browser = new BrowserSession(server);

        var loginChallenge = await ChallengeAsync(browser, DeviceCalls.VerifyUrl(Plain(device)), "login");
        var consentChallenge = await ChallengeAsync(browser, await server.AcceptLoginAsync(loginChallenge, new { subject = NewSubject() }), "consent");
        using var approved = await browser.GetAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "openid", "offline", "read" } }));

        var (status, tokens) = await server.PollAsync(client, device);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        Assert.InRange(tokens["expires_in"]!.GetValue<long>(), 7 * 60 - 1, 7 * 60); // whole seconds, counted from the issue
        var idToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ReadJsonWebToken(tokens["id_token"]!.GetValue<string>());
        Assert.Equal(11 * 60, (long)(idToken.ValidTo - idToken.IssuedAt).TotalSeconds);
        var refresh = await server.IntrospectAsync(tokens["refresh_token"]!.GetValue<string>());
        Assert.Equal(13 * 60, refresh["exp"]!.GetValue<long>() - refresh["iat"]!.GetValue<long>());
    }

    [Fact]
    public async Task DeviceCode_AfterItsLifetime_IsExpiredToken()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "read");

        server.Clock.Advance(TimeSpan.FromSeconds(device["expires_in"]!.GetValue<long>() + 1));

        await server.AssertPollErrorAsync(client, device, "expired_token");
    }

    [Fact]
    public async Task WrongUserCode_SendsTheUserBackToThePage()
    {
        using var browser = new BrowserSession(server);

        using var response = await browser.GetAsync(DeviceCalls.VerifyUrl("BBBBBBBB"));

        Assert.EndsWith("/device?outcome=invalid_user_code", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        using var page = await browser.GetAsync(response.Headers.Location!.PathAndQuery);
        Assert.Contains("data-testid=\"device-error\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WithoutTheDeviceGrant_IsRefused()
    {
        var client = await server.CreateDeviceClientAsync(["authorization_code"]);

        using var response = await server.RequestDeviceCodeAsync(client, "read");
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body["error"]!.GetValue<string>());
        Assert.Contains("grant_types", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_UsingAnotherAuthMethodThanRegistered_IsInvalidClient()
    {
        var client = await server.CreateDeviceClientAsync();

        using var response = await server.RequestDeviceCodeAsync(client, "read", inBody: true);
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeviceCode_WithAScopeTheClientMayNotRequest_IsInvalidScope()
    {
        var client = await server.CreateDeviceClientAsync();

        using var response = await server.RequestDeviceCodeAsync(client, "read admin");
        var (status, body) = await StatusAndJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task UserCodeGuessing_IsLimitedPerAddress()
    {
        var client = await server.CreateDeviceClientAsync();
        var device = await server.DeviceCodeAsync(client, "read");
        using var browser = new BrowserSession(server);
        try
        {
            for (var guess = 0; guess < 10; guess++)
            {
                using var wrong = await browser.GetAsync(DeviceCalls.VerifyUrl("CCCCCCCC"));
                Assert.Contains("outcome=", wrong.Headers.Location!.ToString(), StringComparison.Ordinal);
            }

            // Even the right code is refused now: the address has used up its guesses.
            using var refused = await browser.GetAsync(DeviceCalls.VerifyUrl(Plain(device)));
            Assert.EndsWith("/device?outcome=too_many_attempts", refused.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            // The window passes, so the class's other tests (same address) may verify again.
            server.Clock.Advance(TimeSpan.FromMinutes(16));
        }
    }

    private static string Plain(JsonObject device) => device["user_code"]!.GetValue<string>().Replace("-", "", StringComparison.Ordinal);

    private async Task<string> ChallengeAsync(BrowserSession browser, string url, string kind)
    {
        using var response = await browser.GetAsync(url);
        var location = response.Headers.Location;
        Assert.True(response.StatusCode == HttpStatusCode.Found && location is not null, $"expected the {kind} app, got {(int)response.StatusCode} to '{location}': {await response.Content.ReadAsStringAsync()}");
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/{kind}", location.GetLeftPart(UriPartial.Path));
        return QueryHelpers.ParseQuery(location.Query)[$"{kind}_challenge"].ToString();
    }
}

public sealed class SqliteDeviceAuthorizationFlowTests(SqliteClockedServer server) : DeviceAuthorizationFlowTests<SqliteClockedServer>(server);

public sealed class PostgresDeviceAuthorizationFlowTests(PostgresClockedServer server) : DeviceAuthorizationFlowTests<PostgresClockedServer>(server);
