using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.OAuth2;

public abstract class IntrospectionAndRevocationTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<(string Id, string Secret, string Token)> IssueAsync(string? strategy = null, string scope = "read")
    {
        var client = await server.CreateClientAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { "client_credentials" },
            ["scope"] = "read write",
            ["access_token_strategy"] = strategy ?? "",
        });
        var id = client["client_id"]!.GetValue<string>();
        var secret = client["client_secret"]!.GetValue<string>();
        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (id, secret, (await response.ReadJsonAsync())["access_token"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> RevokeAsync(string id, string secret, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/revoke")
        {
            Content = new FormUrlEncodedContent(token is null ? [] : new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
        return await server.Public.SendAsync(request);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("jwt")]
    public async Task Introspect_ActiveToken_HasHydraFields(string? strategy)
    {
        var (id, _, token) = await IssueAsync(strategy, "read write");
        var body = await server.IntrospectAsync(token);

        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal(id, body["client_id"]!.GetValue<string>());
        Assert.Equal(id, body["sub"]!.GetValue<string>());
        Assert.Equal("read write", body["scope"]!.GetValue<string>());
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal("access_token", body["token_use"]!.GetValue<string>());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}", body["iss"]!.GetValue<string>());
        Assert.Empty(body["aud"]!.AsArray());
        var iat = body["iat"]!.GetValue<long>();
        Assert.Equal(iat, body["nbf"]!.GetValue<long>());
        Assert.InRange(body["exp"]!.GetValue<long>() - iat, 3590, 3600);
    }

    [Theory]
    [InlineData("glint_at_bm90LWEtdG9rZW4")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    [InlineData("garbage")]
    public async Task Introspect_UnknownToken_IsOnlyInactive(string token)
    {
        var body = await server.IntrospectAsync(token);
        Assert.Equal("""{"active":false}""", body.ToJsonString());
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("read", true)]
    [InlineData("write", false)]
    [InlineData("read write", false)]
    public async Task Introspect_ScopeParameter_RequiresEveryScope(string scope, bool active)
    {
        var (_, _, token) = await IssueAsync(scope: "read");
        Assert.Equal(active, (await server.IntrospectAsync(token, scope))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Introspect_EmptyBody_IsInvalidRequest()
    {
        using var response = await server.Admin.PostAsync("/admin/oauth2/introspect", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.ReadJsonAsync())["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Introspect_LegacyPathOnAdminPort_Works()
    {
        var (_, _, token) = await IssueAsync();
        using var response = await server.Admin.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.True((await response.ReadJsonAsync())["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Introspect_IsNotOnPublicPort()
    {
        using var response = await server.Public.PostAsync("/admin/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("jwt")]
    public async Task Revoke_OwnToken_MakesItInactive(string? strategy)
    {
        var (id, secret, token) = await IssueAsync(strategy);
        using var response = await RevokeAsync(id, secret, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await server.IntrospectAsync(token))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Revoke_UnknownToken_Is200()
    {
        var (id, secret, _) = await IssueAsync();
        using var response = await RevokeAsync(id, secret, "glint_at_unknown-token-value");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Revoke_AnotherClientsToken_Is200AndLeavesItActive()
    {
        var (_, _, token) = await IssueAsync();
        var (otherId, otherSecret, _) = await IssueAsync();
        using var response = await RevokeAsync(otherId, otherSecret, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await server.IntrospectAsync(token))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Revoke_WithWrongSecret_IsInvalidClient()
    {
        var (id, _, token) = await IssueAsync();
        using var response = await RevokeAsync(id, "wrong-secret", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.ReadJsonAsync())["error"]!.GetValue<string>());
        Assert.True((await server.IntrospectAsync(token))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Revoke_WithoutToken_IsInvalidRequest()
    {
        var (id, secret, _) = await IssueAsync();
        using var response = await RevokeAsync(id, secret, null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.ReadJsonAsync())["error"]!.GetValue<string>());
    }
}

public sealed class SqliteIntrospectionAndRevocationTests(SqliteServerFixture server) : IntrospectionAndRevocationTests<SqliteServerFixture>(server);

public sealed class PostgresIntrospectionAndRevocationTests(PostgresServerFixture server) : IntrospectionAndRevocationTests<PostgresServerFixture>(server);
