using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// A consent grants at most what the flow asked for and what the client may hold, through the admin API exactly as an
/// external consent app calls it; and a grant made earlier is held to the client as it is now.
/// </summary>
public abstract class ConsentGrantLimitsFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Api = "https://api.example.com";

    /// <summary>Runs to the consent app for <paramref name="scope"/>; returns the consent challenge and its request.</summary>
    private async Task<(string Challenge, JsonObject Request)> ToConsentAsync(
        BrowserSession browser, FlowClient client, string subject, string scope, string? audience = null, string? verifier = null)
    {
        var query = BrowserSession.Query(client, scope, verifier);
        query["audience"] = audience;
        var login = await browser.StartAsync(query);
        var challenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(login, new { subject, remember = true }));
        return (challenge, await server.ConsentRequestAsync(challenge));
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PutAcceptAsync(string challenge, object body)
    {
        using var response = await server.Admin.PutAsync(
            $"/admin/oauth2/auth/requests/consent/accept?consent_challenge={Uri.EscapeDataString(challenge)}", HydraClientCalls.Json(body));
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await StatusAndJsonAsync(response);
    }

    private async Task NarrowAsync(FlowClient client, string path, object value)
    {
        using var response = await server.Admin.PatchAsync($"/admin/clients/{client.Id}",
            HydraClientCalls.Json(new[] { new { op = "replace", path, value } }));
        Assert.True(response.IsSuccessStatusCode, $"patch client: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static void AssertRefused(HttpStatusCode status, JsonObject body, string error, params string[] named)
    {
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status} {body.ToJsonString()}");
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.Equal(["error", "error_description"], body.Select(pair => pair.Key).Order(StringComparer.Ordinal));
        foreach (var name in named)
        {
            Assert.Contains(name, body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_grant_beyond_the_client_and_the_request_is_refused_and_the_consent_can_still_be_given_properly()
    {
        // The attack as reported: a client registered for `openid read`, a flow for `read`, a consent that adds `write`.
        var client = await server.CreateCodeClientAsync(scope: "openid read");
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var (challenge, _) = await ToConsentAsync(browser, client, NewSubject(), "read", verifier: verifier);

        var (status, body) = await PutAcceptAsync(challenge, new { grant_scope = new[] { "read", "write" } });

        AssertRefused(status, body, "invalid_scope", "grant_scope", "'write'");
        var (okStatus, ok) = await PutAcceptAsync(challenge, new { grant_scope = new[] { "read" } });
        Assert.Equal(HttpStatusCode.OK, okStatus);
        var callback = await browser.FollowToClientAsync(ok["redirect_to"]!.GetValue<string>());
        Assert.Equal("read", callback.Scope);
        using var exchange = await server.ExchangeCodeAsync(client, callback.Code!, verifier);
        var tokens = await OkJsonAsync(exchange, "code exchange");
        Assert.Equal("read", tokens["scope"]!.GetValue<string>());
        Assert.Equal("read", (await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>()))["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_grant_of_a_scope_the_client_may_hold_but_did_not_request_is_refused()
    {
        var client = await server.CreateCodeClientAsync(scope: "openid read write");
        using var browser = new BrowserSession(server);
        var (challenge, _) = await ToConsentAsync(browser, client, NewSubject(), "read");

        var (status, body) = await PutAcceptAsync(challenge, new { grant_scope = new[] { "read", "write" } });

        AssertRefused(status, body, "invalid_scope", "requested_scope", "'write'");
    }

    [Fact]
    public async Task A_grant_of_a_scope_removed_from_the_client_after_the_request_is_refused()
    {
        var client = await server.CreateCodeClientAsync(scope: "openid read write");
        using var browser = new BrowserSession(server);
        var (challenge, request) = await ToConsentAsync(browser, client, NewSubject(), "read write");
        Assert.Equal(["read", "write"], Strings(request["requested_scope"]));
        await NarrowAsync(client, "/scope", "openid read");

        var (status, body) = await PutAcceptAsync(challenge, new { grant_scope = new[] { "read", "write" } });

        AssertRefused(status, body, "invalid_scope", "registered", "'write'");
    }

    [Fact]
    public async Task Audiences_are_granted_only_when_requested_and_registered()
    {
        var client = await server.CreateCodeClientFromBodyAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["scope"] = "openid read",
            ["audience"] = new[] { Api },
            ["redirect_uris"] = new[] { "http://127.0.0.1:9999/cb" },
        });
        using var browser = new BrowserSession(server);
        var (unrequested, _) = await ToConsentAsync(browser, client, NewSubject(), "read");
        var (status, body) = await PutAcceptAsync(unrequested, new { grant_scope = new[] { "read" }, grant_access_token_audience = new[] { Api } });
        AssertRefused(status, body, "invalid_request", "grant_access_token_audience", Api);

        using var second = new BrowserSession(server);
        var (requested, request) = await ToConsentAsync(second, client, NewSubject(), "read", audience: Api);
        Assert.Equal([Api], Strings(request["requested_access_token_audience"]));
        await NarrowAsync(client, "/audience", Array.Empty<string>());
        (status, body) = await PutAcceptAsync(requested, new { grant_scope = new[] { "read" }, grant_access_token_audience = new[] { Api } });
        AssertRefused(status, body, "invalid_request", "registered", Api);
    }

    [Fact]
    public async Task A_client_narrowed_between_consent_and_code_gets_no_code()
    {
        var client = await server.CreateCodeClientAsync(scope: "openid read write");
        using var browser = new BrowserSession(server);
        var (challenge, _) = await ToConsentAsync(browser, client, NewSubject(), "read write");
        var (status, accepted) = await PutAcceptAsync(challenge, new { grant_scope = new[] { "read", "write" } });
        Assert.Equal(HttpStatusCode.OK, status);
        await NarrowAsync(client, "/scope", "openid read");

        var callback = await browser.FollowToClientAsync(accepted["redirect_to"]!.GetValue<string>());

        Assert.Null(callback.Code);
        Assert.Equal("invalid_scope", callback.Error);
        Assert.Contains("'write'", callback.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_granted_before_the_client_was_narrowed_is_not_exchanged()
    {
        var client = await server.CreateCodeClientAsync(scope: "openid read write");
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, NewSubject(), "read write", ["read", "write"]);
        await NarrowAsync(client, "/scope", "openid read");

        using var exchange = await server.ExchangeCodeAsync(client, run.Callback.Code!, run.Verifier);

        var (status, body) = await StatusAndJsonAsync(exchange);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status} {body.ToJsonString()}");
        Assert.Equal("invalid_scope", body["error"]!.GetValue<string>());
        Assert.Contains("'write'", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remembered_consent_and_its_refresh_token_do_not_outlive_a_narrowed_client()
    {
        var client = await server.CreateCodeClientAsync(scope: "openid offline read write");
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var (first, _) = await ToConsentAsync(browser, client, subject, "offline read write", verifier: verifier);
        var (status, accepted) = await PutAcceptAsync(first, new { grant_scope = new[] { "offline", "read", "write" }, remember = true, remember_for = 3600 });
        Assert.Equal(HttpStatusCode.OK, status);
        var callback = await browser.FollowToClientAsync(accepted["redirect_to"]!.GetValue<string>());
        using var exchange = await server.ExchangeCodeAsync(client, callback.Code!, verifier);
        var tokens = await OkJsonAsync(exchange, "code exchange");

        await NarrowAsync(client, "/scope", "openid offline read");

        // The refresh token carries `write`, which the client may no longer hold (Hydra answers the same).
        using var refresh = await server.RefreshAsync(client, tokens["refresh_token"]!.GetValue<string>());
        var (refreshStatus, refreshBody) = await StatusAndJsonAsync(refresh);
        Assert.True(refreshStatus == HttpStatusCode.BadRequest, $"expected 400, got {(int)refreshStatus} {refreshBody.ToJsonString()}");
        Assert.Equal("invalid_scope", refreshBody["error"]!.GetValue<string>());
        Assert.Contains("'write'", refreshBody["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        // The remembered consent still lets the user skip the question for what the client may ask now, and only that.
        var again = Pkce.NewVerifier();
        var (second, request) = await ToConsentAsync(browser, client, subject, "offline read", verifier: again);
        Assert.True(request["skip"]!.GetValue<bool>());
        (status, var body) = await PutAcceptAsync(second, new { grant_scope = new[] { "offline", "read", "write" } });
        AssertRefused(status, body, "invalid_scope", "'write'");
        (status, accepted) = await PutAcceptAsync(second, new { grant_scope = new[] { "offline", "read" } });
        Assert.Equal(HttpStatusCode.OK, status);
        callback = await browser.FollowToClientAsync(accepted["redirect_to"]!.GetValue<string>());
        using var secondExchange = await server.ExchangeCodeAsync(client, callback.Code!, again);
        var narrowed = await OkJsonAsync(secondExchange, "code exchange");
        Assert.Equal(["offline", "read"], narrowed["scope"]!.GetValue<string>().Split(' ').Order(StringComparer.Ordinal));
        var refreshed = await RefreshSteps.RefreshOkAsync(server, client, narrowed["refresh_token"]);
        Assert.Equal(["offline", "read"], refreshed["scope"]!.GetValue<string>().Split(' ').Order(StringComparer.Ordinal));
    }
}

public sealed class SqliteConsentGrantLimitsFlowTests(SqliteServerFixture server) : ConsentGrantLimitsFlowTests<SqliteServerFixture>(server);

public sealed class PostgresConsentGrantLimitsFlowTests(PostgresServerFixture server) : ConsentGrantLimitsFlowTests<PostgresServerFixture>(server);
