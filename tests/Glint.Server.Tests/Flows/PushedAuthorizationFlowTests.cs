using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>Every authorization request must be pushed (<c>oauth2.pushed_authorization_requests.enforced</c>).</summary>
public sealed class SqliteParEnforcedServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { [ConfigurationKeys.PushedAuthorizationRequestsEnforced] = "true" };
}

public sealed class PostgresParEnforcedServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { [ConfigurationKeys.PushedAuthorizationRequestsEnforced] = "true" };
}

/// <summary>The pushed authorization endpoint's calls (RFC 9126).</summary>
public static class ParCalls
{
    public const string RequestUriPrefix = "urn:ietf:params:oauth:request_uri:";

    /// <summary><c>POST /oauth2/par</c>, the secret in HTTP Basic (a public client sends only its id).</summary>
    public static async Task<HttpResponseMessage> PushAsync(this GlintServerFixture server, FlowClient client, IDictionary<string, string?> parameters, string? secret = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/par");
        var fields = parameters.Where(pair => pair.Value is not null).ToDictionary(pair => pair.Key, pair => pair.Value!);
        if ((secret ?? client.Secret) is { } clientSecret)
        {
            fields.Remove("client_id");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(clientSecret)}")));
        }

        request.Content = new FormUrlEncodedContent(fields);
        return await server.Public.SendAsync(request);
    }

    /// <summary>A pushed request that must be accepted; returns its <c>request_uri</c>.</summary>
    public static async Task<string> PushedRequestUriAsync(this GlintServerFixture server, FlowClient client, IDictionary<string, string?> parameters)
    {
        using var response = await server.PushAsync(client, parameters);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"PAR: {(int)response.StatusCode} {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        var requestUri = body["request_uri"]!.GetValue<string>();
        Assert.StartsWith(RequestUriPrefix, requestUri, StringComparison.Ordinal);
        return requestUri;
    }

    /// <summary>The authorization request that refers to a pushed one: only <c>client_id</c> and <c>request_uri</c>.</summary>
    public static Dictionary<string, string?> ByReference(FlowClient client, string requestUri) =>
        new() { ["client_id"] = client.Id, ["request_uri"] = requestUri };

    /// <summary>The response must be Glint's error page with <paramref name="error"/>: not a redirect anywhere.</summary>
    public static async Task AssertErrorPageAsync(HttpResponseMessage response, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected the error page with {error}, got {(int)response.StatusCode} to '{response.Headers.Location}': {text}");
        Assert.Contains($"<code>{error}</code>", text, StringComparison.Ordinal);
    }
}

/// <summary>
/// Pushed authorization requests (RFC 9126): the client pushes its request to <c>/oauth2/par</c> and sends the
/// browser to <c>/oauth2/auth</c> with the <c>request_uri</c> it got, which works once and only for a short while.
/// </summary>
public abstract class PushedAuthorizationFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    [Fact]
    public async Task Pushed_ThenAuthorized_RunsTheCodeFlowWithThePushedParameters()
    {
        var client = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        var pushed = BrowserSession.Query(client, "openid offline read", verifier);

        using var response = await server.PushAsync(client, pushed);
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // 60 s, less what the token's whole-second dates round away.
        Assert.InRange(body["expires_in"]!.GetValue<long>(), 59, 60);
        var requestUri = body["request_uri"]!.GetValue<string>();

        using var browser = new BrowserSession(server);
        var run = await browser.RunAsync(ParCalls.ByReference(client, requestUri),
            new { subject = NewSubject() }, new { grant_scope = new[] { "openid", "offline", "read" } }, verifier);

        // The login app sees the pushed request, and the flow's later legs carry its parameters, not the spent reference.
        Assert.Equal(["openid", "offline", "read"], Strings(run.LoginRequest["requested_scope"]));
        var requestUrl = run.LoginRequest["request_url"]!.GetValue<string>();
        Assert.DoesNotContain("request_uri", requestUrl, StringComparison.Ordinal);
        Assert.Equal(pushed["state"], QueryHelpers.ParseQuery(new Uri(requestUrl).Query)["state"].ToString());
        Assert.Equal(pushed["state"], run.Callback.State);
        Assert.StartsWith(client.RedirectUri, run.Callback.Location.ToString(), StringComparison.Ordinal);

        var tokens = await server.TokensAsync(client, run);
        Assert.NotNull(tokens["access_token"]);
        Assert.NotNull(tokens["refresh_token"]);
        Assert.NotNull(tokens["id_token"]);
    }

    [Fact]
    public async Task PublicClient_PushesWithoutSecret()
    {
        var client = await server.CreateCodeClientAsync(authMethod: "none");
        var verifier = Pkce.NewVerifier();
        var requestUri = await server.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", verifier));

        using var browser = new BrowserSession(server);
        var run = await browser.RunAsync(ParCalls.ByReference(client, requestUri), new { subject = NewSubject() }, new { grant_scope = new[] { "read" } }, verifier);

        Assert.NotNull((await server.TokensAsync(client, run))["access_token"]);
    }

    [Fact]
    public async Task RequestUri_UsedTwice_IsRefusedTheSecondTime()
    {
        var client = await server.CreateCodeClientAsync();
        var requestUri = await server.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        using var first = new BrowserSession(server);
        using var second = new BrowserSession(server);

        await first.StartAsync(ParCalls.ByReference(client, requestUri));
        using var again = await second.AuthorizeAsync(ParCalls.ByReference(client, requestUri));

        await ParCalls.AssertErrorPageAsync(again, "invalid_request_uri");
    }

    [Fact]
    public async Task RequestUri_AfterItsLifetime_IsRefused()
    {
        var client = await server.CreateCodeClientAsync();
        var requestUri = await server.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        using var browser = new BrowserSession(server);
        using var response = await browser.AuthorizeAsync(ParCalls.ByReference(client, requestUri));

        await ParCalls.AssertErrorPageAsync(response, "invalid_request_uri");
    }

    [Fact]
    public async Task RequestUri_WithinItsLifetime_StillWorks()
    {
        var client = await server.CreateCodeClientAsync();
        var requestUri = await server.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        server.Clock.Advance(TimeSpan.FromSeconds(50));
        using var browser = new BrowserSession(server);

        await browser.StartAsync(ParCalls.ByReference(client, requestUri));
    }

    [Fact]
    public async Task RequestUri_OfAnotherClient_IsRefusedAndStaysUsableByItsOwner()
    {
        var owner = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        var requestUri = await server.PushedRequestUriAsync(owner, BrowserSession.Query(owner, "read", Pkce.NewVerifier()));
        using var browser = new BrowserSession(server);

        using var stolen = await browser.AuthorizeAsync(ParCalls.ByReference(other, requestUri));
        await ParCalls.AssertErrorPageAsync(stolen, "invalid_request");

        await browser.StartAsync(ParCalls.ByReference(owner, requestUri));
    }

    [Fact]
    public async Task RequestUri_Unknown_IsRefused()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        using var response = await browser.AuthorizeAsync(ParCalls.ByReference(client, ParCalls.RequestUriPrefix + Pkce.NewVerifier()));

        await ParCalls.AssertErrorPageAsync(response, "invalid_request_uri");
    }

    [Fact]
    public async Task Client_RequiringPar_IsRefusedWithoutItAndServedWithIt()
    {
        var client = await server.CreateCodeClientFromBodyAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { "authorization_code" },
            ["scope"] = "read",
            ["redirect_uris"] = new[] { "http://127.0.0.1:9999/cb" },
            ["require_pushed_authorization_requests"] = true,
        });
        using var stored = await server.Admin.GetAsync($"/admin/clients/{client.Id}");
        Assert.True((await stored.ReadJsonAsync())["require_pushed_authorization_requests"]!.GetValue<bool>());
        var verifier = Pkce.NewVerifier();
        using var browser = new BrowserSession(server);

        using var direct = await browser.AuthorizeAsync(BrowserSession.Query(client, "read", verifier));
        await ParCalls.AssertErrorPageAsync(direct, "invalid_request");

        var requestUri = await server.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", verifier));
        var run = await browser.RunAsync(ParCalls.ByReference(client, requestUri), new { subject = NewSubject() }, new { grant_scope = new[] { "read" } }, verifier);
        Assert.NotNull((await server.TokensAsync(client, run))["access_token"]);
    }

    [Fact]
    public async Task Client_NotRequiringPar_StillAuthorizesDirectly()
    {
        var client = await server.CreateCodeClientAsync();
        using var stored = await server.Admin.GetAsync($"/admin/clients/{client.Id}");
        Assert.Null((await stored.ReadJsonAsync())["require_pushed_authorization_requests"]);
        using var browser = new BrowserSession(server);

        await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
    }

    [Fact]
    public async Task Push_CarryingARequestUri_IsInvalidRequest()
    {
        var client = await server.CreateCodeClientAsync();
        var parameters = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        parameters["request_uri"] = await server.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        using var response = await server.PushAsync(client, parameters);

        await AssertJsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Push_WithUnregisteredRedirectUri_IsInvalidRequest()
    {
        var client = await server.CreateCodeClientAsync();
        var parameters = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        parameters["redirect_uri"] = "http://127.0.0.1:9999/elsewhere";

        using var response = await server.PushAsync(client, parameters);

        await AssertJsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Push_WithWrongSecret_IsInvalidClient()
    {
        var client = await server.CreateCodeClientAsync();

        using var response = await server.PushAsync(client, BrowserSession.Query(client, "read", Pkce.NewVerifier()), secret: "not-the-secret");

        await AssertJsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Push_SecretInBodyForBasicClient_IsInvalidClient()
    {
        var client = await server.CreateCodeClientAsync();
        var parameters = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        parameters["client_secret"] = client.Secret;

        using var response = await server.PushAsync(client with { Secret = null }, parameters);

        await AssertJsonErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Push_ScopeTheClientMayNotAskFor_IsInvalidScope()
    {
        var client = await server.CreateCodeClientAsync(scope: "read");

        using var response = await server.PushAsync(client, BrowserSession.Query(client, "read write", Pkce.NewVerifier()));

        await AssertJsonErrorAsync(response, HttpStatusCode.BadRequest, "invalid_scope");
    }

    [Fact]
    public async Task Discovery_AdvertisesTheEndpointAndThatItIsOptional()
    {
        using var response = await server.Public.GetAsync("/.well-known/openid-configuration");
        var discovery = await response.ReadJsonAsync();

        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/par", discovery["pushed_authorization_request_endpoint"]!.GetValue<string>());
        Assert.False(discovery["require_pushed_authorization_requests"]!.GetValue<bool>());
    }

    private static async Task AssertJsonErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var (actual, body) = await StatusAndJsonAsync(response);
        Assert.True(actual == status && body["error"]?.GetValue<string>() == error, $"expected {(int)status} {error}, got {(int)actual} {body.ToJsonString()}");
        Assert.NotNull(body["error_description"]);
        Assert.Null(body["request_uri"]);
    }
}

public sealed class SqlitePushedAuthorizationFlowTests(SqliteClockedServer server) : PushedAuthorizationFlowTests<SqliteClockedServer>(server);

public sealed class PostgresPushedAuthorizationFlowTests(PostgresClockedServer server) : PushedAuthorizationFlowTests<PostgresClockedServer>(server);

/// <summary>With <c>oauth2.pushed_authorization_requests.enforced</c>, no client may skip the push.</summary>
public abstract class EnforcedPushedAuthorizationTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Direct_IsRefusedAndPushed_IsServed()
    {
        var client = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        using var browser = new BrowserSession(server);

        using var direct = await browser.AuthorizeAsync(BrowserSession.Query(client, "read", verifier));
        await ParCalls.AssertErrorPageAsync(direct, "invalid_request");

        var requestUri = await server.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", verifier));
        var run = await browser.RunAsync(ParCalls.ByReference(client, requestUri), new { subject = NewSubject() }, new { grant_scope = new[] { "read" } }, verifier);
        Assert.NotNull((await server.TokensAsync(client, run))["access_token"]);
    }

    [Fact]
    public async Task Discovery_SaysPushingIsRequired()
    {
        using var response = await server.Public.GetAsync("/.well-known/openid-configuration");

        Assert.True((await response.ReadJsonAsync())["require_pushed_authorization_requests"]!.GetValue<bool>());
    }
}

public sealed class SqliteEnforcedPushedAuthorizationTests(SqliteParEnforcedServer server) : EnforcedPushedAuthorizationTests<SqliteParEnforcedServer>(server);

public sealed class PostgresEnforcedPushedAuthorizationTests(PostgresParEnforcedServer server) : EnforcedPushedAuthorizationTests<PostgresParEnforcedServer>(server);

/// <summary>Two nodes on one PostgreSQL database: a request pushed to one is served by the other, once.</summary>
public sealed class PostgresPushedAcrossNodesTests : TwoPostgresNodes
{
    [Fact]
    public async Task PushedToOneNode_IsServedByTheOther_Once()
    {
        var (first, second) = (Nodes[0], Nodes[1]);
        var client = await first.CreateCodeClientAsync();
        var requestUri = await first.PushedRequestUriAsync(client, BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        using var viaSecond = new BrowserSession(second);
        using var viaFirst = new BrowserSession(first);

        using var served = await viaSecond.AuthorizeAsync(ParCalls.ByReference(client, requestUri));
        Assert.Equal(HttpStatusCode.Found, served.StatusCode);
        Assert.StartsWith(Issuer + "/login?login_challenge=", served.Headers.Location!.ToString(), StringComparison.Ordinal);

        using var replayed = await viaFirst.AuthorizeAsync(ParCalls.ByReference(client, requestUri));
        await ParCalls.AssertErrorPageAsync(replayed, "invalid_request_uri");
    }
}
