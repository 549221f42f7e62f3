using System.Net;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Validation of the authorization request: what cannot be trusted to reach the client (unknown client, unregistered
/// redirect URI) is an error page; everything else is an error at the client's redirect URI with the request's state.
/// </summary>
public abstract class AuthorizeRequestFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>Never a redirect: the redirect URI was not validated, so sending the browser there would be an open redirector.</summary>
    private static async Task AssertErrorPageAsync(HttpResponseMessage response, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(error, text, StringComparison.Ordinal);

        // Framed, the page could be dressed up as anything: it refuses framing as every built-in page does.
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    private static async Task<ClientCallback> AssertErrorAtClientAsync(BrowserSession browser, FlowClient client, Dictionary<string, string?> query, string error)
    {
        using var response = await browser.AuthorizeAsync(query);
        var callback = await BrowserSession.ToClientAsync(response);
        Assert.Equal(client.RedirectUri, callback.Location.GetLeftPart(UriPartial.Path));
        Assert.Equal(error, callback.Error);
        Assert.Null(callback.Code);
        Assert.False(string.IsNullOrEmpty(callback.ErrorDescription));
        return callback;
    }

    [Theory]
    [InlineData("http://127.0.0.1:9999/other")]
    [InlineData("http://127.0.0.1:9999/cb/")]
    [InlineData("http://127.0.0.1:9999/cb?x=1")]
    [InlineData("https://evil.example/cb")]
    [InlineData("http://evil.example/cb")]
    public async Task Authorize_UnregisteredRedirectUri_IsErrorPageNeverRedirect(string redirectUri)
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["redirect_uri"] = redirectUri;

        using var response = await browser.AuthorizeAsync(query);

        await AssertErrorPageAsync(response, "invalid_request");
    }

    [Fact]
    public async Task Authorize_UnknownClient_IsErrorPageNeverRedirect()
    {
        var client = new FlowClient(Guid.NewGuid().ToString(), "secret", "http://127.0.0.1:9999/cb");
        using var browser = new BrowserSession(server);

        using var response = await browser.AuthorizeAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        // Hydra names it invalid_client on its error page; OpenIddict's invalid_request names the client_id parameter.
        await AssertErrorPageAsync(response, "client_id");
    }

    [Fact]
    public async Task Authorize_WithoutRedirectUri_UsesTheOnlyRegisteredOne()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var query = BrowserSession.Query(client, "read", verifier);
        query["redirect_uri"] = null;

        var run = await browser.RunAsync(query, new { subject = NewSubject() }, new { grant_scope = new[] { "read" } }, verifier);

        Assert.Equal(client.RedirectUri, run.Callback.Location.GetLeftPart(UriPartial.Path));
        using var response = await server.TokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = run.Callback.Code!, ["code_verifier"] = verifier,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1234567")]
    public async Task Authorize_StateShorterThanEight_IsInvalidStateAtClient(string? state)
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["state"] = state;

        await AssertErrorAtClientAsync(browser, client, query, "invalid_state");
    }

    [Fact]
    public async Task Authorize_StateOfEight_GoesToLogin()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier(), state: "12345678"));
    }

    [Fact]
    public async Task Authorize_ResponseTypeNotRegistered_IsUnsupportedResponseTypeAtClient()
    {
        var client = await server.CreateCodeClientAsync(responseTypes: ["id_token"]);
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());

        var callback = await AssertErrorAtClientAsync(browser, client, query, "unsupported_response_type");
        Assert.Equal(query["state"], callback.State);
    }

    [Fact]
    public async Task Authorize_ImplicitResponseType_IsRefused()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["response_type"] = "token";

        using var response = await browser.AuthorizeAsync(query);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("unsupported_response_type", (response.Headers.Location?.ToString() ?? "") + text, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_ScopeNotAllowed_IsInvalidScopeAtClient()
    {
        var client = await server.CreateCodeClientAsync(scope: "read offline");
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read write", Pkce.NewVerifier());

        var callback = await AssertErrorAtClientAsync(browser, client, query, "invalid_scope");
        Assert.Equal(query["state"], callback.State);
        Assert.Contains("'write'", callback.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_WildcardClientScope_AllowsMatchingScope()
    {
        var client = await server.CreateCodeClientAsync(scope: "wallet.*");
        using var browser = new BrowserSession(server);

        var login = await server.LoginRequestAsync(await browser.StartAsync(BrowserSession.Query(client, "wallet.read", Pkce.NewVerifier())));

        Assert.Equal(["wallet.read"], Strings(login["requested_scope"]));
    }

    [Fact]
    public async Task Authorize_PublicClientWithoutCodeChallenge_IsInvalidRequestAtClient()
    {
        var client = await server.CreateCodeClientAsync(authMethod: "none");
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", verifier: null);

        var callback = await AssertErrorAtClientAsync(browser, client, query, "invalid_request");
        Assert.Equal(query["state"], callback.State);
    }

    [Fact]
    public async Task Authorize_ConfidentialClientWithoutCodeChallenge_IsAllowed()
    {
        // Hydra's default: oauth2.pkce.enforced and enforced_for_public_clients are off; only public clients must use PKCE here.
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);

        await browser.StartAsync(BrowserSession.Query(client, "read", verifier: null));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("S512")]
    public async Task Authorize_CodeChallengeMethodOtherThanS256_IsRefused(string method)
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["code_challenge_method"] = method.Length == 0 ? null : method;

        using var response = await browser.AuthorizeAsync(query);
        var location = response.Headers.Location;

        Assert.DoesNotContain("login_challenge", location?.Query ?? "", StringComparison.Ordinal);
        Assert.Contains("invalid_request", (location?.Query ?? "") + await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_HttpRedirectUriOnNonLoopbackHost_IsInvalidRequestAtClient()
    {
        var client = await server.CreateCodeClientAsync(redirectUri: "http://app.example.com/cb");
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());

        var callback = await AssertErrorAtClientAsync(browser, client, query, "invalid_request");
        Assert.Contains("insecure", callback.ErrorDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_ByPostForm_GoesToLoginWithTheParametersInRequestUrl()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());

        using var response = await browser.PostFormAsync("/oauth2/auth", query);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var challenge = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(response.Headers.Location!.Query)["login_challenge"].ToString();
        var login = await server.LoginRequestAsync(challenge);

        Assert.Contains("state=" + query["state"], login["request_url"]!.GetValue<string>(), StringComparison.Ordinal);
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var callback = await browser.FollowToClientAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } }));
        Assert.NotNull(callback.Code);
    }
}

public sealed class SqliteAuthorizeRequestFlowTests(SqliteServerFixture server) : AuthorizeRequestFlowTests<SqliteServerFixture>(server);

public sealed class PostgresAuthorizeRequestFlowTests(PostgresServerFixture server) : AuthorizeRequestFlowTests<PostgresServerFixture>(server);
