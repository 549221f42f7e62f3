using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.OAuth2;

/// <summary>Hydra's JWK admin API reads the keys Glint signs with; it never hands out their private parts.</summary>
public abstract class KeyAdminApiTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData("hydra.openid.id-token")]
    [InlineData("hydra.jwt.access-token")]
    public async Task SigningSet_IsThePublishedKeys_WithoutPrivateMembers(string set)
    {
        var published = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/jwks.json"))!["keys"]!.AsArray();
        using var response = await server.Admin.GetAsync($"/admin/keys/{set}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["keys"]!.AsArray();

        Assert.Equal(published.Count, keys.Count);
        foreach (var key in keys)
        {
            var match = published.Single(candidate => candidate!["kid"]!.GetValue<string>() == key!["kid"]!.GetValue<string>())!;
            foreach (var member in new[] { "kty", "use", "alg", "n", "e" })
            {
                Assert.Equal(match[member]!.GetValue<string>(), key![member]!.GetValue<string>());
            }

            foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "k" })
            {
                Assert.Null(key![secret]);
            }
        }
    }

    [Fact]
    public async Task OneKey_IsASetOfOne_AndAnUnknownKidIsNotFound()
    {
        var set = JsonNode.Parse(await server.Admin.GetStringAsync("/admin/keys/hydra.openid.id-token"))!["keys"]!.AsArray();
        var kid = set[0]!["kid"]!.GetValue<string>();

        var one = JsonNode.Parse(await server.Admin.GetStringAsync($"/admin/keys/hydra.openid.id-token/{kid}"))!["keys"]!.AsArray();
        Assert.Equal(kid, Assert.Single(one)!["kid"]!.GetValue<string>());

        using var unknown = await server.Admin.GetAsync("/admin/keys/hydra.openid.id-token/not-a-key");
        await AssertHydraErrorAsync(unknown, HttpStatusCode.NotFound, "Unable to locate the resource");
    }

    [Fact]
    public async Task UnknownSet_IsNotFound()
    {
        using var response = await server.Admin.GetAsync("/admin/keys/my-own-set");
        await AssertHydraErrorAsync(response, HttpStatusCode.NotFound, "Unable to locate the resource");
    }

    [Theory]
    [InlineData("POST", "/admin/keys/hydra.openid.id-token", """{"alg":"RS256","use":"sig","kid":"new"}""")]
    [InlineData("PUT", "/admin/keys/hydra.openid.id-token", """{"keys":[]}""")]
    [InlineData("DELETE", "/admin/keys/hydra.openid.id-token", null)]
    [InlineData("PUT", "/admin/keys/hydra.openid.id-token/first", """{"kty":"RSA"}""")]
    [InlineData("DELETE", "/admin/keys/hydra.openid.id-token/first", null)]
    [InlineData("POST", "/admin/keys/my-own-set", """{"alg":"ES256","use":"sig","kid":"mine"}""")]
    public async Task Writes_AreRefused_AndChangeNothing(string method, string path, string? body)
    {
        var before = await server.Admin.GetStringAsync("/admin/keys/hydra.openid.id-token");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await server.Admin.SendAsync(request);
        var error = await AssertHydraErrorAsync(response, HttpStatusCode.Forbidden, "The requested action was forbidden");
        Assert.Contains("glint keys rotate", error["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await server.Admin.GetStringAsync("/admin/keys/hydra.openid.id-token"));
    }

    [Fact]
    public async Task KeyAdminApi_IsNotServedOnThePublicPort()
    {
        using var response = await server.Public.GetAsync("/admin/keys/hydra.openid.id-token");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<JsonNode> AssertHydraErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.Equal(2, body.AsObject().Count);
        return body;
    }
}

public sealed class SqliteKeyAdminApiTests(SqliteServerFixture server) : KeyAdminApiTests<SqliteServerFixture>(server);

public sealed class PostgresKeyAdminApiTests(PostgresServerFixture server) : KeyAdminApiTests<PostgresServerFixture>(server);
