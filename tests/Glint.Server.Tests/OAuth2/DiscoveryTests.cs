using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.OAuth2;

public abstract class DiscoveryTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/oauth-authorization-server")]
    public async Task Discovery_AdvertisesIssuerAndEndpoints(string path)
    {
        var document = JsonNode.Parse(await server.Public.GetStringAsync(path))!;
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}", document["issuer"]!.GetValue<string>());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/token", document["token_endpoint"]!.GetValue<string>());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/revoke", document["revocation_endpoint"]!.GetValue<string>());
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/.well-known/jwks.json", document["jwks_uri"]!.GetValue<string>());
        Assert.Contains("client_credentials", document["grant_types_supported"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task Discovery_ScopesSupported_ListsTheScopesClientsMayRequest()
    {
        var document = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/openid-configuration"))!;
        var scopes = document["scopes_supported"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "openid", "offline", "offline_access", "email", "profile", "read", "write", "receive" }, scopes);
    }

    [Theory]
    [InlineData("token_endpoint_auth_methods_supported")]
    [InlineData("revocation_endpoint_auth_methods_supported")]
    [InlineData("pushed_authorization_request_endpoint_auth_methods_supported")]
    public async Task Discovery_AdvertisesPrivateKeyJwtButNotClientSecretJwt(string field)
    {
        // private_key_jwt works (PrivateKeyJwtTests); client_secret_jwt does not.
        var document = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/openid-configuration"))!;
        var methods = document[field]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        Assert.Contains("client_secret_basic", methods);
        Assert.Contains("private_key_jwt", methods);
        Assert.DoesNotContain("client_secret_jwt", methods);
    }

    [Theory]
    [InlineData("token_endpoint_auth_signing_alg_values_supported")]
    [InlineData("revocation_endpoint_auth_signing_alg_values_supported")]
    public async Task Discovery_NamesTheAssertionSigningAlgorithms(string field)
    {
        // RFC 8414 §2: required wherever private_key_jwt is advertised.
        var document = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/openid-configuration"))!;
        var algorithms = document[field]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
        Assert.Contains("RS256", algorithms);
        Assert.Contains("ES256", algorithms);
        Assert.DoesNotContain("HS256", algorithms);
    }

    [Fact]
    public async Task Jwks_PublishesRsaSigningKey()
    {
        var jwks = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/jwks.json"))!;
        var key = jwks["keys"]!.AsArray().Single()!;
        Assert.Equal("RSA", key["kty"]!.GetValue<string>());
        Assert.Equal("RS256", key["alg"]!.GetValue<string>());
        Assert.Null(key["d"]);
    }

    [Fact]
    public async Task Discovery_AdvertisesOnlyRs256_TheInternalHmacKeyStaysInternal()
    {
        var document = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/openid-configuration"))!;
        Assert.Equal(["RS256"], document["id_token_signing_alg_values_supported"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task AdminPaths_AreNotServedOnPublicPort()
    {
        using var response = await server.Public.GetAsync("/admin/clients");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PublicOAuthEndpoints_AreNotServedOnAdminPort()
    {
        using var response = await server.Admin.GetAsync("/.well-known/openid-configuration");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/health/alive")]
    [InlineData("/health/ready")]
    public async Task Health_AnswersOnBothPorts(string path)
    {
        foreach (var client in new[] { server.Public, server.Admin })
        {
            var body = JsonNode.Parse(await client.GetStringAsync(path))!;
            Assert.Equal("ok", body["status"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/version")]
    [InlineData("/admin/version")]
    public async Task Version_IsOnTheAdminPortOnly(string path)
    {
        using var response = await server.Admin.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var version = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["version"]!.GetValue<string>();
        Assert.Matches(@"^\d+\.\d+\.\d+", version);

        using var onPublic = await server.Public.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
    }
}

public sealed class SqliteDiscoveryTests(SqliteServerFixture server) : DiscoveryTests<SqliteServerFixture>(server);

public sealed class PostgresDiscoveryTests(PostgresServerFixture server) : DiscoveryTests<PostgresServerFixture>(server);
