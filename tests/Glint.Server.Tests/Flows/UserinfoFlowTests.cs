using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary><c>GET|POST /userinfo</c>: any active access token, <c>openid</c> or not (Blink's next-auth apps ask for <c>read write</c>).</summary>
public abstract class UserinfoFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<(FlowClient Client, string Subject, JsonObject Tokens)> IssueAsync(string scope = "read write")
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var query = BrowserSession.Query(client, scope, verifier);
        query["nonce"] = "nonce-12345678";
        var run = await browser.RunAsync(query,
            new { subject, acr = "2", amr = new[] { "pwd" } },
            new
            {
                grant_scope = scope.Split(' '),
                session = new { id_token = new { email = "u@example.com", phone = "+15550100", nested = new { a = 1 } }, access_token = new { x = "y" } },
            },
            verifier);
        return (client, subject, await server.TokensAsync(client, run));
    }

    /// <summary>RFC 6750 §3.1: a token that was sent but is not usable gets <c>invalid_token</c> in the challenge and the body.</summary>
    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.StartsWith("error=\"invalid_token\", error_description=\"", challenge.Parameter, StringComparison.Ordinal);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_token", body["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["error_description"]!.GetValue<string>()));
        Assert.Null(body["error_uri"]);
        Assert.Null(body["sub"]);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Userinfo_TokenWithoutOpenid_ReturnsSubjectAndConsentIdTokenClaims(bool post)
    {
        var (client, subject, tokens) = await IssueAsync();

        using var response = await server.UserinfoAsync(tokens["access_token"]!.GetValue<string>(), post);
        var body = await OkJsonAsync(response, "userinfo");

        Assert.Equal(subject, body["sub"]!.GetValue<string>());
        Assert.Equal("u@example.com", body["email"]!.GetValue<string>());
        Assert.Equal("+15550100", body["phone"]!.GetValue<string>());
        Assert.Equal("""{"a":1}""", body["nested"]!.ToJsonString());
        Assert.Contains(client.Id, Strings(body["aud"]));
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}", body["iss"]!.GetValue<string>());
        Assert.Equal("2", body["acr"]!.GetValue<string>());
        Assert.Equal(["pwd"], Strings(body["amr"]));
        Assert.NotNull(body["auth_time"]);
        Assert.Null(body["x"]);
        Assert.Null(body["ext"]);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Userinfo_TokenWithOpenid_LeavesOutNonceAndSid()
    {
        var (_, subject, tokens) = await IssueAsync("openid read");

        using var response = await server.UserinfoAsync(tokens["access_token"]!.GetValue<string>());
        var body = await OkJsonAsync(response, "userinfo");

        Assert.Equal(subject, body["sub"]!.GetValue<string>());
        Assert.Equal("u@example.com", body["email"]!.GetValue<string>());
        Assert.Null(body["nonce"]);
        Assert.Null(body["sid"]);
        Assert.Null(body["at_hash"]);
    }

    /// <summary>RFC 6750 §2.1 and OpenID Connect Core §5.3.1: a POST with the Bearer header needs no body at all.</summary>
    [Fact]
    public async Task Userinfo_PostWithBearerHeaderAndNoBody_ReturnsSubject()
    {
        var (_, subject, tokens) = await IssueAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/userinfo");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens["access_token"]!.GetValue<string>());
        using var response = await server.Public.SendAsync(request);
        var body = await OkJsonAsync(response, "userinfo");

        Assert.Equal(subject, body["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task Userinfo_PostWithBodyOfAnotherType_IsStillRefused()
    {
        var (_, _, tokens) = await IssueAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/userinfo") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens["access_token"]!.GetValue<string>());
        using var response = await server.Public.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Userinfo_PostWithAccessTokenInForm_ReturnsSubject()
    {
        var (_, subject, tokens) = await IssueAsync();

        using var response = await server.Public.PostAsync("/userinfo",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = tokens["access_token"]!.GetValue<string>() }));
        var body = await OkJsonAsync(response, "userinfo");

        Assert.Equal(subject, body["sub"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Userinfo_InvalidToken_IsUnauthorizedWithBearerChallenge(bool post)
    {
        using var response = await server.UserinfoAsync("glint_at_" + Pkce.NewVerifier(), post);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Userinfo_WithoutToken_IsUnauthorizedWithBearerChallenge()
    {
        using var response = await server.Public.GetAsync("/userinfo");

        // RFC 6750 §3.1: no error code in the challenge when no credentials were sent; the body says what is missing.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Null(challenge.Parameter);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("request_unauthorized", body["error"]!.GetValue<string>());
        Assert.Contains("access token", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(body["error_uri"]);
    }

    [Fact]
    public async Task Userinfo_RefreshToken_IsUnauthorized()
    {
        var (_, _, tokens) = await IssueAsync("read offline");

        using var response = await server.UserinfoAsync(tokens["refresh_token"]!.GetValue<string>());

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Userinfo_RevokedToken_IsUnauthorized()
    {
        var (client, _, tokens) = await IssueAsync();
        var token = tokens["access_token"]!.GetValue<string>();
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/oauth2/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        revoke.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{client.Id}:{client.Secret}")));
        using var revoked = await server.Public.SendAsync(revoke);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        using var response = await server.UserinfoAsync(token);

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Userinfo_ClientCredentialsToken_ReturnsClientAsSubject()
    {
        var client = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read" });
        var id = client["client_id"]!.GetValue<string>();
        using var issued = await server.TokenAsync(id, client["client_secret"]!.GetValue<string>(),
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        var token = (await OkJsonAsync(issued, "client credentials"))["access_token"]!.GetValue<string>();

        using var response = await server.UserinfoAsync(token);
        var body = await OkJsonAsync(response, "userinfo");

        Assert.Equal(id, body["sub"]!.GetValue<string>());
    }
}

public sealed class SqliteUserinfoFlowTests(SqliteServerFixture server) : UserinfoFlowTests<SqliteServerFixture>(server);

public sealed class PostgresUserinfoFlowTests(PostgresServerFixture server) : UserinfoFlowTests<PostgresServerFixture>(server);
