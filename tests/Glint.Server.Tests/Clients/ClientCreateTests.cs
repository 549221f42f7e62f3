using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary><c>POST /admin/clients</c>: status, headers, generated values and the defaults Hydra fills (and the ones it must not).</summary>
public abstract class ClientCreateTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Create_EmptyBody_Returns201WithLocationAndGeneratedUuid()
    {
        var response = await server.PostClientAsync("{}");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.ContentHeaders.ContentType?.ToString());
        var id = response.Document["client_id"].Text();
        Assert.True(Guid.TryParseExact(id, "D", out _), $"client_id {id} is not a UUID");
        Assert.Equal($"/admin/clients/{id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Create_WithoutSecret_GeneratesSecretOf26UrlSafeCharacters()
    {
        var first = await server.CreateAsync(new JsonObject());
        var second = await server.CreateAsync(new JsonObject());

        Assert.Matches("^[A-Za-z0-9_.~-]{26}$", first["client_secret"].Text());
        Assert.NotEqual(first["client_secret"].Text(), second["client_secret"].Text());
    }

    [Fact]
    public async Task Create_WithSuppliedIdAndSecret_EchoesBoth()
    {
        var id = NewId("own");
        var client = await server.CreateAsync(new JsonObject { ["client_id"] = id, ["client_secret"] = "my-own-secret" });

        Assert.Equal(id, client["client_id"].Text());
        Assert.Equal("my-own-secret", client["client_secret"].Text());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("12345")]
    public async Task Create_SecretShorterThanSix_Is400WithHydraText(string secret)
    {
        var response = await server.PostClientAsync(new JsonObject { ["client_secret"] = secret });

        AssertInvalidClientMetadata(response, "Field client_secret must contain a secret that is at least 6 characters long.");
    }

    [Fact]
    public async Task Create_SecretOfSixCharacters_IsAccepted()
    {
        var client = await server.CreateAsync(new JsonObject { ["client_secret"] = "123456" });

        Assert.Equal("123456", client["client_secret"].Text());
    }

    [Fact]
    public async Task Create_WithoutAuthMethod_DefaultsToClientSecretBasic()
    {
        var client = await server.CreateAsync(new JsonObject());

        Assert.Equal("client_secret_basic", client["token_endpoint_auth_method"].Text());
        Assert.Equal("client_secret_basic", (await server.GetClientAsync(client["client_id"].Text()))["token_endpoint_auth_method"].Text());
    }

    [Fact]
    public async Task Create_PublicClient_ReturnsNoSecret()
    {
        var client = await server.CreateAsync(new JsonObject { ["token_endpoint_auth_method"] = "none" });

        Assert.False(client.ContainsKey("client_secret"), client.ToJsonString());
        Assert.Equal("none", client["token_endpoint_auth_method"].Text());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Create_WithoutScope_GetsDefaultScope(string? scope)
    {
        var body = new JsonObject();
        if (scope is not null)
        {
            body["scope"] = scope;
        }

        var client = await server.CreateAsync(body);

        Assert.Equal("offline_access offline openid", client["scope"].Text());
        Assert.Equal("offline_access offline openid", (await server.GetClientAsync(client["client_id"].Text()))["scope"].Text());
    }

    [Fact]
    public async Task Create_WithScope_KeepsIt()
    {
        var client = await server.CreateAsync(new JsonObject { ["scope"] = "read write" });

        Assert.Equal("read write", client["scope"].Text());
    }

    [Fact]
    public async Task Create_WithoutGrantAndResponseTypes_StoresEmptyListsNotDefaults()
    {
        var client = await server.CreateAsync(new JsonObject());
        var stored = await server.GetClientAsync(client["client_id"].Text());

        foreach (var view in new[] { client, stored })
        {
            Assert.Empty(view["grant_types"].Strings());
            Assert.Empty(view["response_types"].Strings());
        }
    }

    [Fact]
    public async Task Create_WithGrantAndResponseTypes_EchoesExactlyWhatWasSent()
    {
        var client = await server.CreateAsync(Body("""{"grant_types":["refresh_token","implicit"],"response_types":["token","id_token"]}"""));
        var stored = await server.GetClientAsync(client["client_id"].Text());

        foreach (var view in new[] { client, stored })
        {
            Assert.Equal(["refresh_token", "implicit"], view["grant_types"].Strings());
            Assert.Equal(["token", "id_token"], view["response_types"].Strings());
        }
    }

    [Fact]
    public async Task Create_WithoutKeys_HasEmptyJwksObjectAndNullSkipLogoutConsent()
    {
        var client = await server.CreateAsync(new JsonObject());
        var stored = await server.GetClientAsync(client["client_id"].Text());

        foreach (var view in new[] { client, stored })
        {
            Assert.Equal("{}", view["jwks"]!.ToJsonString());
            Assert.True(view.ContainsKey("skip_logout_consent"));
            Assert.Null(view["skip_logout_consent"]);
            Assert.False(view["skip_consent"]!.GetValue<bool>());
            Assert.Equal("none", view["userinfo_signed_response_alg"].Text());
            Assert.Equal("public", view["subject_type"].Text());
            Assert.Equal(0, view["client_secret_expires_at"]!.GetValue<long>());
            Assert.Equal("{}", view["metadata"]!.ToJsonString());
            Assert.False(view.ContainsKey("access_token_strategy"));
        }
    }

    [Fact]
    public async Task Create_WithoutLifespans_HasEveryLifespanAsNull()
    {
        var client = await server.CreateAsync(new JsonObject());
        var stored = await server.GetClientAsync(client["client_id"].Text());

        foreach (var view in new[] { client, stored })
        {
            foreach (var field in LifespanFields)
            {
                Assert.True(view.ContainsKey(field), field);
                Assert.Null(view[field]);
            }
        }
    }

    [Theory]
    [InlineData("1h", "1h0m0s")]
    [InlineData("3600s", "1h0m0s")]
    [InlineData("90m", "1h30m0s")]
    [InlineData("1.5h", "1h30m0s")]
    [InlineData("720h", "720h0m0s")]
    [InlineData("1h30m45s", "1h30m45s")]
    [InlineData("2m3.5s", "2m3.5s")]
    [InlineData("100ms", "100ms")]
    [InlineData("0", "0s")]
    public async Task Create_WithLifespan_StoresGoCanonicalForm(string sent, string stored)
    {
        var body = new JsonObject();
        foreach (var field in LifespanFields)
        {
            body[field] = sent;
        }

        var client = await server.CreateAsync(body);
        var fetched = await server.GetClientAsync(client["client_id"].Text());

        foreach (var field in LifespanFields)
        {
            Assert.Equal(stored, client[field].Text());
            Assert.Equal(stored, fetched[field].Text());
        }
    }

    [Theory]
    [InlineData("""{"foo":"bar"}""")]
    [InlineData("""{"nested":{"list":[1,2.5,"three",true,null,{"deep":[]}]},"unicode":"äöü €","quote":"say \"hi\""}""")]
    [InlineData("""["a",1]""")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task Create_WithAnyMetadata_RoundTrips(string metadata)
    {
        var body = new JsonObject { ["metadata"] = JsonNode.Parse(metadata) };

        var client = await server.CreateAsync(body);
        var stored = await server.GetClientAsync(client["client_id"].Text());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(metadata), client["metadata"]), client["metadata"]?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(metadata), stored["metadata"]), stored["metadata"]?.ToJsonString());
    }

    [Fact]
    public async Task Create_EmptyStringsAsTheHydraCliSendsThem_MeanNotSet()
    {
        var client = await server.CreateAsync(Body("""
            {
              "client_id": "", "client_name": "", "client_secret": "", "scope": "", "owner": "",
              "access_token_strategy": "", "metadata": {}, "request_object_signing_alg": "RS256", "subject_type": "public",
              "token_endpoint_auth_method": "", "userinfo_signed_response_alg": "", "token_endpoint_auth_signing_alg": "",
              "client_uri": "", "logo_uri": "", "policy_uri": "", "tos_uri": "", "jwks_uri": "", "sector_identifier_uri": "",
              "backchannel_logout_uri": "", "frontchannel_logout_uri": "",
              "redirect_uris": [], "grant_types": [], "response_types": [], "audience": [], "contacts": [],
              "allowed_cors_origins": [], "post_logout_redirect_uris": [], "request_uris": [],
              "skip_consent": false, "skip_logout_consent": false,
              "backchannel_logout_session_required": false, "frontchannel_logout_session_required": false
            }
            """));
        var stored = await server.GetClientAsync(client["client_id"].Text());

        Assert.True(Guid.TryParse(client["client_id"].Text(), out _));
        Assert.Matches("^[A-Za-z0-9_.~-]{26}$", client["client_secret"].Text());
        foreach (var view in new[] { client, stored })
        {
            Assert.Equal("offline_access offline openid", view["scope"].Text());
            Assert.Equal("client_secret_basic", view["token_endpoint_auth_method"].Text());
            Assert.Equal("none", view["userinfo_signed_response_alg"].Text());
            Assert.Equal("RS256", view["request_object_signing_alg"].Text());
            Assert.Equal("public", view["subject_type"].Text());
            Assert.Equal("{}", view["metadata"]!.ToJsonString());
            Assert.Equal("{}", view["jwks"]!.ToJsonString());
            Assert.False(view["skip_logout_consent"]!.GetValue<bool>());
            foreach (var omitted in new[] { "access_token_strategy", "jwks_uri", "sector_identifier_uri", "backchannel_logout_uri", "frontchannel_logout_uri", "token_endpoint_auth_signing_alg" })
            {
                Assert.False(view.ContainsKey(omitted), $"{omitted} should be left out when empty: {view.ToJsonString()}");
            }

            foreach (var empty in new[] { "client_name", "owner", "client_uri", "logo_uri", "policy_uri", "tos_uri" })
            {
                Assert.Equal("", view[empty].Text());
            }
        }
    }

    [Fact]
    public async Task Create_DuplicateId_Is409WithHydraText()
    {
        var id = NewId("dup");
        await server.CreateAsync(new JsonObject { ["client_id"] = id });

        var response = await server.PostClientAsync(new JsonObject { ["client_id"] = id });

        AssertError(response, HttpStatusCode.Conflict, "Unable to insert or update resource because a resource with that value exists already", "");
    }

    [Theory]
    [InlineData("{bad json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"client_name": 5}""")]
    [InlineData("""{"redirect_uris": "http://localhost/cb"}""")]
    [InlineData("""{"skip_consent": "yes"}""")]
    [InlineData("""{"client_credentials_grant_access_token_lifespan": 3600}""")]
    public async Task Create_MalformedBody_Is400Malformed(string body)
    {
        var response = await server.PostClientAsync(body);

        AssertError(response, HttpStatusCode.BadRequest, Malformed, descriptionContains: "Unable to decode the request body");
    }

    [Fact]
    public async Task Create_Timestamps_AreUtcRfc3339SecondsWithZ()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        var client = await server.CreateAsync(new JsonObject());
        var stored = await server.GetClientAsync(client["client_id"].Text());

        foreach (var view in new[] { client, stored })
        {
            AssertTimestamp(view["created_at"]);
            AssertTimestamp(view["updated_at"]);
            Assert.Equal(view["created_at"].Text(), view["updated_at"].Text());
            Assert.InRange(DateTimeOffset.Parse(view["created_at"].Text(), System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(2));
        }

        Assert.Equal(client["created_at"].Text(), stored["created_at"].Text());
    }

    [Fact]
    public async Task Create_UnknownFields_AreIgnored()
    {
        var client = await server.CreateAsync(Body("""{"client_name":"x","registration_access_token":"abc","some_future_field":{"a":1}}"""));

        Assert.Equal("x", client["client_name"].Text());
        Assert.False(client.ContainsKey("some_future_field"));
    }

    [Fact]
    public async Task Create_WithSecret_SecretAuthenticatesAtTokenEndpoint()
    {
        var client = await server.CreateMachineClientAsync(secret: "created-secret");

        await server.AssertSecretWorksAsync(client["client_id"].Text(), "created-secret");
        await server.AssertSecretRefusedAsync(client["client_id"].Text(), "created-secreT");
    }
}

public sealed class SqliteClientCreateTests(SqliteServerFixture server) : ClientCreateTests<SqliteServerFixture>(server);

public sealed class PostgresClientCreateTests(PostgresServerFixture server) : ClientCreateTests<PostgresServerFixture>(server);
