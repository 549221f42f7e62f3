using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Glint.Auth.OAuth2;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// A token prefix alone (<c>glint_at_</c> with nothing after it) is an unknown token wherever a token is read, never
/// a server error: once stripped, nothing would be left to look up.
/// </summary>
public abstract class BareTokenPrefixTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData(TokenPrefix.AccessToken)]
    [InlineData(TokenPrefix.RefreshToken)]
    [InlineData(TokenPrefix.AuthorizationCode)]
    public async Task Introspection_IsOnlyInactive(string prefix)
    {
        foreach (var hint in (string?[])[null, "access_token", "refresh_token"])
        {
            var form = new Dictionary<string, string> { ["token"] = prefix };
            if (hint is not null)
            {
                form["token_type_hint"] = hint;
            }

            using var response = await server.Admin.PostAsync("/admin/oauth2/introspect", new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);
            var (status, body) = await StatusAndJsonAsync(response);
            Assert.True(status == HttpStatusCode.OK, $"hint {hint}: {(int)status} {body.ToJsonString()}");
            Assert.Equal("""{"active":false}""", body.ToJsonString());
        }
    }

    [Theory]
    [InlineData(TokenPrefix.AccessToken)]
    [InlineData(TokenPrefix.RefreshToken)]
    [InlineData(TokenPrefix.AuthorizationCode)]
    public async Task Revocation_Is200(string prefix)
    {
        var client = await server.CreateCodeClientAsync();

        await server.RevokeTokenAsync(client, prefix);
    }

    [Theory]
    [InlineData(TokenPrefix.AccessToken)]
    [InlineData(TokenPrefix.RefreshToken)]
    [InlineData(TokenPrefix.AuthorizationCode)]
    public async Task EveryGrant_IsInvalidGrant(string prefix)
    {
        var client = await server.CreateCodeClientAsync(grantTypes: ["authorization_code", "refresh_token", DeviceCalls.GrantType]);
        var grants = new Dictionary<string, string>[]
        {
            new() { ["grant_type"] = "refresh_token", ["refresh_token"] = prefix },
            new() { ["grant_type"] = "authorization_code", ["code"] = prefix, ["redirect_uri"] = client.RedirectUri, ["code_verifier"] = Pkce.NewVerifier() },
            new() { ["grant_type"] = DeviceCalls.GrantType, ["device_code"] = prefix },
        };
        foreach (var form in grants)
        {
            using var response = await server.TokenAsync(client, form);
            var (status, body) = await StatusAndJsonAsync(response);
            Assert.True(status == HttpStatusCode.BadRequest && body["error"]?.GetValue<string>() == "invalid_grant",
                $"{form["grant_type"]}: {(int)status} {body.ToJsonString()}");
        }
    }

    [Theory]
    [InlineData(TokenPrefix.AccessToken)]
    [InlineData(TokenPrefix.RefreshToken)]
    [InlineData(TokenPrefix.AuthorizationCode)]
    public async Task Userinfo_IsInvalidToken(string prefix)
    {
        foreach (var scheme in (string[])["Bearer", "DPoP"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/userinfo");
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, prefix);
            using var response = await server.Public.SendAsync(request, TestContext.Current.CancellationToken);
            var (status, body) = await StatusAndJsonAsync(response);
            Assert.True(status == HttpStatusCode.Unauthorized, $"{scheme}: {(int)status} {body.ToJsonString()}");
            Assert.Equal("invalid_token", body["error"]?.GetValue<string>());
        }
    }

    [Theory]
    [InlineData(TokenPrefix.AccessToken)]
    [InlineData(TokenPrefix.RefreshToken)]
    [InlineData(TokenPrefix.AuthorizationCode)]
    public async Task GraphQL_IsUnauthorized_AsForAnyInvalidToken(string prefix)
    {
        foreach (var (header, value) in new[] { ("Oauth2-Token", prefix), ("Authorization", "Bearer " + prefix) })
        {
            using var response = await server.PostGraphQLWithAsync(header, value, "query { me { id } }");
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{header}: {(int)response.StatusCode} {text}");
            Assert.Equal(401, JsonNode.Parse(text)!["error"]!["code"]!.GetValue<int>());
        }
    }
}

public sealed class SqliteBareTokenPrefixTests(SqliteServerFixture server) : BareTokenPrefixTests<SqliteServerFixture>(server);

public sealed class PostgresBareTokenPrefixTests(PostgresServerFixture server) : BareTokenPrefixTests<PostgresServerFixture>(server);
