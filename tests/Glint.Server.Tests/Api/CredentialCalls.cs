using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Glint.Wallets.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Api;

/// <summary>The credentials the revocation and cache tests make, use and end.</summary>
public static class CredentialCalls
{
    private const string Me = "query { me { id } }";

    /// <summary>A new user connected to a new app through login and consent (offline read write); its access token already used once.</summary>
    public static async Task<(FlowClient Client, Guid UserId, string AccessToken, string RefreshToken)> ConnectedAppAsync(this GlintServerFixture server, bool jwt = false)
    {
        OpenedAccount opened;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            opened = (await scope.ServiceProvider.GetRequiredService<AccountOpening>().OpenAsync(null, null, null, CancellationToken.None)).Account!;
        }

        var body = new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["scope"] = "offline read write",
            ["redirect_uris"] = new[] { "http://127.0.0.1:9999/cb" },
            ["token_endpoint_auth_method"] = "client_secret_basic",
        };
        if (jwt)
        {
            body["access_token_strategy"] = "jwt";
        }

        var client = await server.CreateCodeClientFromBodyAsync(body);
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, opened.UserId.ToString(), "offline read write", ["offline", "read", "write"]);
        var tokens = await server.TokensAsync(client, run);
        var access = tokens["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await server.MeStatusAsync(access));
        return (client, opened.UserId, access, tokens["refresh_token"]!.GetValue<string>());
    }

    /// <summary>The HTTP status of <c>me</c> called with <c>Oauth2-Token</c>.</summary>
    public static async Task<HttpStatusCode> MeStatusAsync(this GlintServerFixture server, string accessToken)
    {
        using var response = await server.PostGraphQLWithAsync("Oauth2-Token", accessToken, Me);
        return response.StatusCode;
    }

    /// <summary>Revokes a token at <c>/oauth2/revoke</c> as the client it was issued to.</summary>
    public static async Task RevokeTokenAsync(this GlintServerFixture server, FlowClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/revoke") { Content = new FormUrlEncodedContent([new("token", token)]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(client.Secret!)}")));
        using var revoked = await server.Public.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
    }

    /// <summary>A new key with read and write, used once so that it is cached.</summary>
    public static async Task<(string Id, string Secret)> CreateUsedApiKeyAsync(this GlintServerFixture server, string token)
    {
        var created = (await server.DataAsync(token, """mutation { apiKeyCreate(input: {name: "cached"}) { apiKeySecret apiKey { id } } }"""))["apiKeyCreate"]!;
        var secret = created["apiKeySecret"].Str();
        using var used = await server.PostGraphQLWithAsync("X-API-KEY", secret, Me);
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        return (created["apiKey"]!["id"].Str(), secret);
    }

    public static async Task RevokeApiKeyAsync(this GlintServerFixture server, string token, string id)
    {
        var revoked = await server.DataAsync(token, "mutation($id: ID!) { apiKeyRevoke(input: {id: $id}) { apiKey { revoked } } }", new { id });
        Assert.True(revoked["apiKeyRevoke"]!["apiKey"]!["revoked"]!.GetValue<bool>());
    }
}
