using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary>Hydra's client validation (<c>client/validator.go</c>): which bodies are refused, with which error, and what is normalised.</summary>
public abstract class ClientValidationTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task RedirectUri_WithFragment_Is400InvalidRedirectUri()
    {
        var response = await server.PostClientAsync(Body("""{"redirect_uris":["http://localhost:3000/cb#fragment"]}"""));

        AssertError(response, HttpStatusCode.BadRequest, "invalid_redirect_uri", InvalidRedirectUriPrefix + "Redirect URIs must not contain fragments (#).");
    }

    [Theory]
    [InlineData("callback")]
    [InlineData("../cb")]
    [InlineData("cb/path")]
    public async Task RedirectUri_Relative_Is400InvalidRedirectUri(string uri)
    {
        var response = await server.PostClientAsync(new JsonObject { ["redirect_uris"] = new JsonArray("https://ok.example.com/cb", uri) });

        AssertError(response, HttpStatusCode.BadRequest, "invalid_redirect_uri", InvalidRedirectUriPrefix + $"Unable to parse redirect URL: {uri}");
    }

    /// <summary>Hydra accepts an absolute path; Glint (on OpenIddict) needs an absolute URI. A deliberate difference.</summary>
    [Fact]
    public async Task RedirectUri_AbsolutePathOnly_Is400InvalidRedirectUri()
    {
        var response = await server.PostClientAsync(Body("""{"redirect_uris":["/cb"]}"""));

        AssertError(response, HttpStatusCode.BadRequest, "invalid_redirect_uri", descriptionContains: "/cb");
    }

    [Theory]
    [InlineData("http://localhost:3000/api/auth/callback/blink")]
    [InlineData("https://app.example.com/cb?x=1")]
    [InlineData("com.example.app:/oauth2redirect")]
    [InlineData("http://127.0.0.1:4446/callback")]
    public async Task RedirectUri_Absolute_IsAcceptedAsIs(string uri)
    {
        var client = await server.CreateAsync(new JsonObject { ["redirect_uris"] = new JsonArray(uri) });

        Assert.Equal([uri], client["redirect_uris"].Strings());
    }

    [Theory]
    [InlineData("policy_uri")]
    [InlineData("tos_uri")]
    [InlineData("logo_uri")]
    [InlineData("client_uri")]
    public async Task DocumentUri_WithNonHttpScheme_Is400(string field)
    {
        var response = await server.PostClientAsync(new JsonObject { [field] = "ftp://example.com/doc" });

        AssertInvalidClientMetadata(response, $"Field {field} must be a valid URI with an http or https scheme.");
    }

    [Fact]
    public async Task DocumentUri_NotAUri_Is400()
    {
        var response = await server.PostClientAsync(Body("""{"policy_uri":"not a uri"}"""));

        AssertInvalidClientMetadata(response, "Field policy_uri must be a valid URI with an http or https scheme.");
    }

    [Theory]
    [InlineData("https://app.example.com/path", "Origin URL https://app.example.com/path must have an empty path, query, and fragment but one of the parts is not empty.")]
    [InlineData("https://app.example.com?x=1", "Origin URL https://app.example.com?x=1 must have an empty path, query, and fragment but one of the parts is not empty.")]
    [InlineData("ftp://app.example.com", "Origin URL ftp://app.example.com must use https:// or http:// as HTTP scheme.")]
    [InlineData("https://user:pass@app.example.com", "Origin URL https://user:pass@app.example.com has HTTP user and/or password set which is not allowed.")]
    [InlineData("app.example.com", "Origin URL app.example.com from allowed_cors_origins could not be parsed.")]
    public async Task CorsOrigin_Invalid_Is400WithHydraText(string origin, string hint)
    {
        var response = await server.PostClientAsync(new JsonObject { ["allowed_cors_origins"] = new JsonArray(origin) });

        AssertInvalidClientMetadata(response, hint);
    }

    [Fact]
    public async Task CorsOrigin_TrailingSlash_IsStrippedAndPortKept()
    {
        var client = await server.CreateAsync(Body("""
            {"allowed_cors_origins":["https://app.example.com/","http://localhost:3000","https://b.example.com:443","https://c.example.com:8443//"]}
            """));
        var stored = await server.GetClientAsync(client["client_id"].Text());

        string[] expected = ["https://app.example.com", "http://localhost:3000", "https://b.example.com:443", "https://c.example.com:8443"];
        Assert.Equal(expected, client["allowed_cors_origins"].Strings());
        Assert.Equal(expected, stored["allowed_cors_origins"].Strings());
    }

    [Fact]
    public async Task Jwks_AndJwksUriBoth_Is400()
    {
        var response = await server.PostClientAsync(Body($$"""{"jwks":{"keys":[{{RsaPublicJwk}}]},"jwks_uri":"https://app.example.com/jwks.json"}"""));

        AssertInvalidClientMetadata(response, "Fields jwks and jwks_uri can not both be set, you must choose one.");
    }

    [Theory]
    [InlineData("""{"keys":[{"foo":"bar"}]}""")]
    [InlineData("""{"keys":[{"kty":"RSA","e":"AQAB"}]}""")]
    [InlineData("""{"keys":[{"kty":"XYZ","k":"AQAB"}]}""")]
    [InlineData("""{"keys":"not a list"}""")]
    [InlineData("""{"keys":[{"kty":"RSA","n":"!!!","e":"AQAB"}]}""")]
    [InlineData("""{"keys":[{"kty":"RSA","n":"AQAB","e":""}]}""")]
    [InlineData("""{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB","d":5}]}""")]
    [InlineData("""{"keys":[{"kty":"EC","crv":"P-999","x":"AQAB","y":"AQAB"}]}""")]
    [InlineData("""{"keys":[{"kty":"EC","crv":"P-256","x":"AQAB","y":"AQAB"}]}""")]
    [InlineData("""{"keys":[{"kty":"EC","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","y":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}""")]
    [InlineData("""{"keys":[{"kty":"OKP","crv":"Ed448","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}""")]
    [InlineData("""{"keys":[{"kty":"oct","k":"%%"}]}""")]
    public async Task Jwks_WithInvalidKey_Is400(string jwks)
    {
        var response = await server.PostClientAsync(new JsonObject { ["jwks"] = JsonNode.Parse(jwks) });

        AssertInvalidClientMetadata(response, "Invalid JSON web key in set.");
    }

    [Theory]
    [InlineData("backchannel_logout_uri", "javascript:alert(1)")]
    [InlineData("backchannel_logout_uri", "/relative/logout")]
    [InlineData("backchannel_logout_uri", "https://app.example.com/logout#frag")]
    [InlineData("frontchannel_logout_uri", "javascript:alert(1)")]
    [InlineData("frontchannel_logout_uri", "ftp://app.example.com/logout")]
    public async Task LogoutUri_NotAnHttpUrlWithoutFragment_Is400(string field, string uri)
    {
        var response = await server.PostClientAsync(new JsonObject { [field] = uri });

        AssertInvalidClientMetadata(response, $"Field {field} must be an http or https URL without a fragment.");
    }

    [Fact]
    public async Task Jwks_OfEveryKeyTypeAndCurve_IsAccepted()
    {
        var keys = new JsonArray { JsonNode.Parse(RsaPublicJwk) };
        foreach (var curve in new[] { ECCurve.NamedCurves.nistP256, ECCurve.NamedCurves.nistP384, ECCurve.NamedCurves.nistP521 })
        {
            using var ecdsa = ECDsa.Create(curve);
            var point = ecdsa.ExportParameters(includePrivateParameters: false).Q;
            keys.Add(new JsonObject
            {
                ["kty"] = "EC", ["crv"] = "P-" + (point.X!.Length == 66 ? 521 : point.X.Length * 8),
                ["x"] = Base64Url.EncodeToString(point.X), ["y"] = Base64Url.EncodeToString(point.Y),
            });
        }

        // RFC 8037's example public key.
        keys.Add(new JsonObject { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });

        var client = await server.CreateAsync(new JsonObject { ["jwks"] = new JsonObject { ["keys"] = keys } });

        Assert.Equal(5, client["jwks"]!["keys"]!.AsArray().Count);
    }

    [Fact]
    public async Task Jwks_NotAnObject_Is400Malformed()
    {
        var response = await server.PostClientAsync(Body("""{"jwks":[]}"""));

        AssertError(response, HttpStatusCode.BadRequest, Malformed, descriptionContains: "jwks");
    }

    [Fact]
    public async Task PrivateKeyJwt_WithoutKeys_Is400()
    {
        var response = await server.PostClientAsync(Body("""{"token_endpoint_auth_method":"private_key_jwt"}"""));

        AssertInvalidClientMetadata(response, "When token_endpoint_auth_method is 'private_key_jwt', either jwks or jwks_uri must be set.");
    }

    [Fact]
    public async Task PrivateKeyJwt_WithJwksUri_IsAccepted()
    {
        var client = await server.CreateAsync(Body("""{"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://app.example.com/jwks.json"}"""));
        var stored = await server.GetClientAsync(client["client_id"].Text());

        Assert.Equal("https://app.example.com/jwks.json", stored["jwks_uri"].Text());
        Assert.Equal("private_key_jwt", stored["token_endpoint_auth_method"].Text());
        Assert.Equal("{}", stored["jwks"]!.ToJsonString());
    }

    /// <summary>Hydra stores any auth method string; Glint refuses one it could never authenticate. A deliberate difference.</summary>
    [Fact]
    public async Task AuthMethod_Unknown_Is400()
    {
        var response = await server.PostClientAsync(Body("""{"token_endpoint_auth_method":"client_secret_jwt"}"""));

        AssertError(response, HttpStatusCode.BadRequest, "invalid_client_metadata", descriptionContains: "token_endpoint_auth_method");
    }

    [Theory]
    [InlineData("JWT", "jwt")]
    [InlineData("jwt", "jwt")]
    [InlineData("Opaque", "opaque")]
    public async Task AccessTokenStrategy_IsStoredInLowerCase(string sent, string stored)
    {
        var client = await server.CreateAsync(new JsonObject { ["access_token_strategy"] = sent });

        Assert.Equal(stored, client["access_token_strategy"].Text());
        Assert.Equal(stored, (await server.GetClientAsync(client["client_id"].Text()))["access_token_strategy"].Text());
    }

    [Fact]
    public async Task AccessTokenStrategy_Unknown_Is400()
    {
        var response = await server.PostClientAsync(Body("""{"access_token_strategy":"foo"}"""));

        AssertError(response, HttpStatusCode.BadRequest, "invalid_client_metadata", descriptionContains: "access_token_strategy");
    }

    [Theory]
    [InlineData("1x")]
    [InlineData("1")]
    [InlineData("h")]
    [InlineData("")]
    [InlineData("one hour")]
    public async Task Lifespan_NotAGoDuration_Is400(string lifespan)
    {
        var response = await server.PostClientAsync(new JsonObject { ["client_credentials_grant_access_token_lifespan"] = lifespan });

        AssertError(response, HttpStatusCode.BadRequest, Malformed, descriptionContains: "client_credentials_grant_access_token_lifespan");
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("ES256")]
    public async Task UserinfoSignedResponseAlg_OtherThanNoneOrRs256_Is400(string alg)
    {
        var response = await server.PostClientAsync(new JsonObject { ["userinfo_signed_response_alg"] = alg });

        AssertInvalidClientMetadata(response, "Field userinfo_signed_response_alg can either be 'none' or 'RS256'.");
    }

    [Fact]
    public async Task UserinfoSignedResponseAlg_Rs256_IsAccepted()
    {
        var client = await server.CreateAsync(Body("""{"userinfo_signed_response_alg":"RS256"}"""));

        Assert.Equal("RS256", client["userinfo_signed_response_alg"].Text());
    }

    /// <summary>Glint offers public subject identifiers only (Blink's Hydra also allows pairwise). A deliberate difference.</summary>
    [Fact]
    public async Task SubjectType_Pairwise_Is400()
    {
        var response = await server.PostClientAsync(Body("""{"subject_type":"pairwise"}"""));

        AssertInvalidClientMetadata(response, "Subject type pairwise is not supported by server, only [public] are allowed.");
    }

    /// <summary>Needs pairwise subjects, which Glint does not offer. A deliberate difference.</summary>
    [Fact]
    public async Task SectorIdentifierUri_Is400()
    {
        var response = await server.PostClientAsync(Body("""{"sector_identifier_uri":"https://app.example.com/sector.json"}"""));

        AssertError(response, HttpStatusCode.BadRequest, "invalid_client_metadata", descriptionContains: "sector_identifier_uri");
    }

    [Fact]
    public async Task PostLogoutRedirectUri_NotMatchingARedirectUri_Is400InvalidClientMetadata()
    {
        var response = await server.PostClientAsync(Body("""{"redirect_uris":["https://app.example.com/cb"],"post_logout_redirect_uris":["https://other.example.com/bye"]}"""));

        AssertInvalidClientMetadata(response,
            "post_logout_redirect_uri 'https://other.example.com/bye' must match the domain, port, scheme of at least one of the registered redirect URIs but did not");
    }

    [Fact]
    public async Task PostLogoutRedirectUri_OnARedirectUriHost_IsAccepted()
    {
        var client = await server.CreateAsync(Body("""{"redirect_uris":["https://app.example.com/cb"],"post_logout_redirect_uris":["https://app.example.com/bye"]}"""));

        Assert.Equal(["https://app.example.com/bye"], client["post_logout_redirect_uris"].Strings());
    }

    /// <summary>Hydra keeps the secret but never shows it; Glint refuses a secret that a public client could never use.</summary>
    [Fact]
    public async Task PublicClient_WithSecret_Is400()
    {
        var response = await server.PostClientAsync(Body("""{"token_endpoint_auth_method":"none","client_secret":"some-secret"}"""));

        AssertError(response, HttpStatusCode.BadRequest, "invalid_client_metadata", descriptionContains: "client_secret");
    }

    [Fact]
    public async Task SecretExpiresAt_IsForcedToZero()
    {
        var client = await server.CreateAsync(Body("""{"client_secret_expires_at":1893456000}"""));

        Assert.Equal(0, client["client_secret_expires_at"]!.GetValue<long>());
    }

    [Fact]
    public async Task ValidationError_OnPut_LeavesClientUnchanged()
    {
        var client = await server.CreateAsync(Body("""{"client_name":"before","redirect_uris":["https://app.example.com/cb"]}"""));
        var id = client["client_id"].Text();

        var response = await server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}", Body("""{"client_name":"after","redirect_uris":["https://app.example.com/cb#x"]}"""));

        AssertError(response, HttpStatusCode.BadRequest, "invalid_redirect_uri", InvalidRedirectUriPrefix + "Redirect URIs must not contain fragments (#).");
        var stored = await server.GetClientAsync(id);
        Assert.Equal("before", stored["client_name"].Text());
        Assert.Equal(["https://app.example.com/cb"], stored["redirect_uris"].Strings());
    }
}

public sealed class SqliteClientValidationTests(SqliteServerFixture server) : ClientValidationTests<SqliteServerFixture>(server);

public sealed class PostgresClientValidationTests(PostgresServerFixture server) : ClientValidationTests<PostgresServerFixture>(server);
