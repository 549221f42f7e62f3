using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Hostile;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Api;

/// <summary>
/// A credential header that holds no credential (empty, or an Authorization without a bearer token) is the same 401
/// as an invalid credential, never an anonymous call; only a request with none of the headers is anonymous.
/// </summary>
public abstract class EmptyCredentialTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static readonly byte[] Globals = Encoding.UTF8.GetBytes("""{"query":"{ globals { network } }"}""");

    [Theory]
    [InlineData("Oauth2-Token", "")]
    [InlineData("Oauth2-Token", "   ")]
    [InlineData("X-API-KEY", "")]
    [InlineData("Authorization", "Bearer ")]
    [InlineData("Authorization", "Bearer")]
    [InlineData("Authorization", "")]
    [InlineData("Authorization", "DPoP ")]
    [InlineData("Authorization", "Basic dXNlcjpwYXNz")]
    public async Task A_credential_header_without_a_credential_is_401(string header, string value)
    {
        var response = await RawHttp.SendAsync(server.PublicPort, "POST", "/graphql", "application/json", Globals, [new(header, value)]);

        Assert.True(response.Status == 401, response.Describe());
        var error = JsonNode.Parse(response.Body)!["error"]!;
        Assert.Equal(401, error["code"]!.GetValue<int>());
        Assert.Equal("Unauthorized", error["status"].Str());
    }

    [Fact]
    public async Task An_empty_header_beside_a_valid_credential_does_not_hide_it()
    {
        var user = await server.NewUserAsync();

        var response = await RawHttp.SendAsync(server.PublicPort, "POST", "/graphql", "application/json", Encoding.UTF8.GetBytes("""{"query":"{ me { id } }"}"""),
            [new("Oauth2-Token", ""), new("X-API-KEY", ""), new("Authorization", "Bearer " + user.Token)]);

        Assert.True(response.Status == 200, response.Describe());
        Assert.Equal(user.UserId.ToString("D"), JsonNode.Parse(response.Body)!["data"]!["me"]!["id"].Str());
    }

    [Fact]
    public async Task Without_any_credential_header_the_call_is_anonymous()
    {
        var response = await RawHttp.SendAsync(server.PublicPort, "POST", "/graphql", "application/json", Globals);

        Assert.True(response.Status == 200, response.Describe());
        Assert.Equal("regtest", JsonNode.Parse(response.Body)!["data"]!["globals"]!["network"].Str());
    }
}

public sealed class SqliteEmptyCredentialTests(SqliteServerFixture server) : EmptyCredentialTests<SqliteServerFixture>(server);

public sealed class PostgresEmptyCredentialTests(PostgresServerFixture server) : EmptyCredentialTests<PostgresServerFixture>(server);
