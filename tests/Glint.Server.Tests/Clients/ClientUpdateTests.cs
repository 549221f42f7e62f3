using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary><c>PUT /admin/clients/{id}</c>, <c>PATCH /admin/clients/{id}</c> (JSON Patch) and <c>PUT /admin/clients/{id}/lifespans</c>.</summary>
public abstract class ClientUpdateTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    private Task<AdminResponse> PutAsync(string id, JsonNode body) => server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}", body);

    private Task<AdminResponse> PatchAsync(string id, string patch) => server.Admin.SendAsync(HttpMethod.Patch, $"{ClientsPath}/{id}", patch);

    private Task<AdminResponse> PutLifespansAsync(string id, JsonNode body) => server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}/lifespans", body);

    private static DateTimeOffset Time(JsonNode? value) => DateTimeOffset.Parse(value.Text(), CultureInfo.InvariantCulture);

    // ---- PUT ----

    [Fact]
    public async Task Put_ReplacesClient_KeepsCreatedAtAndBumpsUpdatedAt()
    {
        var id = NewId("put");
        var created = await server.CreateAsync(Body($$$"""
            {"client_id":"{{{id}}}","client_secret":"put-secret-1","client_name":"before","contacts":["a@example.com"],
             "grant_types":["client_credentials"],"scope":"read","owner":"o1","metadata":{"k":"v"}}
            """));
        server.Clock.Advance(TimeSpan.FromMilliseconds(1100)); // timestamps have seconds precision

        var response = await PutAsync(id, Body("""{"client_name":"after","grant_types":["client_credentials"],"response_types":["token"]}"""));

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        var stored = await server.GetClientAsync(id);
        foreach (var view in new[] { response.Document, stored })
        {
            Assert.Equal("after", view["client_name"].Text());
            Assert.Equal(["token"], view["response_types"].Strings());
            Assert.Empty(view["contacts"].Strings()); // omitted fields are reset, not merged
            Assert.Equal("", view["owner"].Text());
            Assert.Equal("offline_access offline openid", view["scope"].Text());
            Assert.Equal("{}", view["metadata"]!.ToJsonString());
            Assert.Equal(created["created_at"].Text(), view["created_at"].Text());
            AssertTimestamp(view["updated_at"]);
            Assert.True(Time(view["updated_at"]) > Time(created["updated_at"]), $"updated_at {view["updated_at"]} not after {created["updated_at"]}");
        }
    }

    [Fact]
    public async Task Put_IdInBody_IsIgnoredForIdInPath()
    {
        var id = NewId("put");
        var other = NewId("other");
        await server.CreateMachineClientAsync(id);

        var response = await PutAsync(id, new JsonObject { ["client_id"] = other, ["client_name"] = "renamed", ["grant_types"] = new JsonArray("client_credentials") });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(id, response.Document["client_id"].Text());
        Assert.Equal("renamed", (await server.GetClientAsync(id))["client_name"].Text());
        AssertNotFound(await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}/{other}"));
    }

    [Fact]
    public async Task Put_WithoutSecret_KeepsSecretAndReturnsNone()
    {
        var client = await server.CreateMachineClientAsync(secret: "kept-secret-1");
        var id = client["client_id"].Text();

        var response = await PutAsync(id, Body("""{"client_name":"no secret here","grant_types":["client_credentials"],"scope":"read write"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Document.ContainsKey("client_secret"), response.Body);
        await server.AssertSecretWorksAsync(id, "kept-secret-1");
    }

    [Fact]
    public async Task Put_WithEmptySecret_KeepsSecret()
    {
        var client = await server.CreateMachineClientAsync(secret: "kept-secret-2");
        var id = client["client_id"].Text();

        var response = await PutAsync(id, Body("""{"client_secret":"","grant_types":["client_credentials"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Document.ContainsKey("client_secret"), response.Body);
        await server.AssertSecretWorksAsync(id, "kept-secret-2");
    }

    [Fact]
    public async Task Put_WithNewSecret_ReturnsItAndOldSecretStopsWorking()
    {
        var client = await server.CreateMachineClientAsync(secret: "old-secret-1");
        var id = client["client_id"].Text();
        await server.AssertSecretWorksAsync(id, "old-secret-1");

        var response = await PutAsync(id, Body("""{"client_secret":"new-secret-1","grant_types":["client_credentials"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("new-secret-1", response.Document["client_secret"].Text());
        await server.AssertSecretWorksAsync(id, "new-secret-1");
        await server.AssertSecretRefusedAsync(id, "old-secret-1");
    }

    [Fact]
    public async Task Put_WithSameSecretAsTerraformResends_KeepsItWorking()
    {
        var client = await server.CreateMachineClientAsync(secret: "tf-state-secret");
        var id = client["client_id"].Text();

        var response = await PutAsync(id, Body("""{"client_secret":"tf-state-secret","grant_types":["client_credentials"],"client_name":"tf"}"""));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("tf-state-secret", response.Document["client_secret"].Text());
        await server.AssertSecretWorksAsync(id, "tf-state-secret");
    }

    [Fact]
    public async Task Put_ConfidentialToPublic_DropsSecret()
    {
        var client = await server.CreateMachineClientAsync(secret: "to-be-dropped");
        var id = client["client_id"].Text();

        var response = await PutAsync(id, Body("""{"token_endpoint_auth_method":"none","grant_types":["client_credentials"]}"""));

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        Assert.False(response.Document.ContainsKey("client_secret"), response.Body);
        Assert.Equal("none", (await server.GetClientAsync(id))["token_endpoint_auth_method"].Text());
        await server.AssertSecretRefusedAsync(id, "to-be-dropped");
    }

    [Fact]
    public async Task Put_PublicToConfidentialWithoutSecret_GeneratesAndReturnsOne()
    {
        var client = await server.CreateAsync(Body("""{"token_endpoint_auth_method":"none","grant_types":["client_credentials"]}"""));
        var id = client["client_id"].Text();

        var response = await PutAsync(id, Body("""{"token_endpoint_auth_method":"client_secret_basic","grant_types":["client_credentials"]}"""));

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        var secret = response.Document["client_secret"].Text();
        Assert.Matches("^[A-Za-z0-9_.~-]{26}$", secret);
        await server.AssertSecretWorksAsync(id, secret);
    }

    [Fact]
    public async Task Put_ShortSecret_Is400()
    {
        var client = await server.CreateMachineClientAsync();

        var response = await PutAsync(client["client_id"].Text(), Body("""{"client_secret":"abc"}"""));

        AssertInvalidClientMetadata(response, "Field client_secret must contain a secret that is at least 6 characters long.");
    }

    [Fact]
    public async Task Put_MalformedBody_Is400()
    {
        var client = await server.CreateMachineClientAsync();

        var response = await server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{client["client_id"].Text()}", "{nope");

        AssertError(response, HttpStatusCode.BadRequest, Malformed, descriptionContains: "Unable to decode the request body");
    }

    // ---- PATCH ----

    [Fact]
    public async Task Patch_AddRemoveReplace_AppliesAllAndKeepsSecret()
    {
        var id = NewId("patch");
        await server.CreateAsync(Body($$$"""
            {"client_id":"{{{id}}}","client_secret":"patch-secret-1","client_name":"before","grant_types":["client_credentials"],
             "redirect_uris":["https://app.example.com/cb"],"contacts":["first@example.com","second@example.com"],"metadata":{"old":1}}
            """));

        var response = await PatchAsync(id, """
            [
              {"op":"replace","path":"/client_name","value":"after"},
              {"op":"add","path":"/redirect_uris/-","value":"https://app.example.com/cb2"},
              {"op":"remove","path":"/contacts/0"},
              {"op":"replace","path":"/metadata/new_key","value":{"nested":true}}
            ]
            """);

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        Assert.False(response.Document.ContainsKey("client_secret"), response.Body);
        var stored = await server.GetClientAsync(id);
        foreach (var view in new[] { response.Document, stored })
        {
            Assert.Equal("after", view["client_name"].Text());
            Assert.Equal(["https://app.example.com/cb", "https://app.example.com/cb2"], view["redirect_uris"].Strings());
            Assert.Equal(["second@example.com"], view["contacts"].Strings());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"old":1,"new_key":{"nested":true}}"""), view["metadata"]), view["metadata"]!.ToJsonString());
            Assert.Equal(["client_credentials"], view["grant_types"].Strings());
        }

        await server.AssertSecretWorksAsync(id, "patch-secret-1");
    }

    [Fact]
    public async Task Patch_WithJsonPatchContentType_IsAccepted()
    {
        var client = await server.CreateMachineClientAsync();
        var id = client["client_id"].Text();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{ClientsPath}/{id}")
        {
            Content = new StringContent("""[{"op":"replace","path":"/client_name","value":"patched"}]""", System.Text.Encoding.UTF8, "application/json-patch+json"),
        };

        using var response = await server.Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("patched", (await server.GetClientAsync(id))["client_name"].Text());
    }

    [Fact]
    public async Task Patch_ReplaceMissingMember_ActsAsAdd()
    {
        var client = await server.CreateMachineClientAsync();
        var id = client["client_id"].Text();

        var response = await PatchAsync(id, """[{"op":"replace","path":"/access_token_strategy","value":"jwt"},{"op":"replace","path":"/jwks_uri","value":"https://app.example.com/jwks.json"}]""");

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        var stored = await server.GetClientAsync(id);
        Assert.Equal("jwt", stored["access_token_strategy"].Text());
        Assert.Equal("https://app.example.com/jwks.json", stored["jwks_uri"].Text());
    }

    [Fact]
    public async Task Patch_ReplaceSecret_ReturnsNewSecretWhichWorks()
    {
        var client = await server.CreateMachineClientAsync(secret: "patch-old-secret");
        var id = client["client_id"].Text();

        var response = await PatchAsync(id, """[{"op":"replace","path":"/client_secret","value":"patch-new-secret"}]""");

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        Assert.Equal("patch-new-secret", response.Document["client_secret"].Text());
        await server.AssertSecretWorksAsync(id, "patch-new-secret");
        await server.AssertSecretRefusedAsync(id, "patch-old-secret");
    }

    [Fact]
    public async Task Patch_ClientId_Is400AndChangesNothing()
    {
        var client = await server.CreateMachineClientAsync();
        var id = client["client_id"].Text();

        var response = await PatchAsync(id, """[{"op":"replace","path":"/client_id","value":"hijacked"}]""");

        AssertError(response, HttpStatusCode.BadRequest, "invalid_request", descriptionContains: "/client_id");
        Assert.Equal(id, (await server.GetClientAsync(id))["client_id"].Text());
        AssertNotFound(await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}/hijacked"));
    }

    [Theory]
    [InlineData("""[{"op":"move","from":"/client_name","path":"/owner"}]""")]
    [InlineData("""[{"op":"copy","from":"/client_name","path":"/owner"}]""")]
    [InlineData("""[{"op":"test","path":"/client_name","value":""}]""")]
    [InlineData("""[{"op":"frobnicate","path":"/client_name","value":""}]""")]
    public async Task Patch_UnsupportedOperation_Is400Not500(string patch)
    {
        var client = await server.CreateMachineClientAsync();

        var response = await PatchAsync(client["client_id"].Text(), patch);

        AssertError(response, HttpStatusCode.BadRequest, Malformed);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"op":"replace","path":"/client_name","value":"x"}""")]
    [InlineData("""[{"path":"/client_name","value":"x"}]""")]
    [InlineData("""[{"op":"replace","value":"x"}]""")]
    [InlineData("""[{"op":5,"path":"/client_name"}]""")]
    [InlineData("""[{"op":"replace","path":"client_name","value":"x"}]""")]
    [InlineData("""[{"op":"remove","path":"/contacts/7"}]""")]
    [InlineData("""[{"op":"replace","path":"/redirect_uris","value":"not-a-list"}]""")]
    [InlineData("null")]
    public async Task Patch_Malformed_Is400(string patch)
    {
        var client = await server.CreateMachineClientAsync();
        var before = await server.GetClientAsync(client["client_id"].Text());

        var response = await PatchAsync(client["client_id"].Text(), patch);

        AssertError(response, HttpStatusCode.BadRequest, Malformed);
        Assert.Equal(Canonical(before), Canonical(await server.GetClientAsync(client["client_id"].Text())));
    }

    [Fact]
    public async Task Patch_ProducingInvalidClient_Is400FromValidation()
    {
        var client = await server.CreateMachineClientAsync();

        var response = await PatchAsync(client["client_id"].Text(), """[{"op":"add","path":"/redirect_uris/-","value":"https://app.example.com/cb#frag"}]""");

        AssertError(response, HttpStatusCode.BadRequest, "invalid_redirect_uri", InvalidRedirectUriPrefix + "Redirect URIs must not contain fragments (#).");
    }

    // ---- lifespans ----

    [Fact]
    public async Task Lifespans_SetsThemAndLeavesEverythingElse()
    {
        var id = NewId("life");
        var created = await server.CreateAsync(Body($$$"""
            {"client_id":"{{{id}}}","client_secret":"life-secret-1","client_name":"keep me","grant_types":["client_credentials"],
             "scope":"read write","contacts":["c@example.com"],"metadata":{"m":1},"implicit_grant_access_token_lifespan":"10m"}
            """));

        var response = await PutLifespansAsync(id, Body("""{"client_credentials_grant_access_token_lifespan":"5m","refresh_token_grant_refresh_token_lifespan":"720h"}"""));

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        Assert.False(response.Document.ContainsKey("client_secret"), response.Body);
        var stored = await server.GetClientAsync(id);
        foreach (var view in new[] { response.Document, stored })
        {
            Assert.Equal("5m0s", view["client_credentials_grant_access_token_lifespan"].Text());
            Assert.Equal("720h0m0s", view["refresh_token_grant_refresh_token_lifespan"].Text());
            Assert.Null(view["implicit_grant_access_token_lifespan"]); // the body replaces all lifespans; absent means unset
            foreach (var field in new[] { "client_name", "scope", "contacts", "metadata", "grant_types", "created_at", "token_endpoint_auth_method" })
            {
                Assert.True(JsonNode.DeepEquals(created[field], view[field]), $"{field}: {created[field]?.ToJsonString()} became {view[field]?.ToJsonString()}");
            }
        }

        await server.AssertSecretWorksAsync(id, "life-secret-1");
    }

    /// <summary>Hydra 2.3's device grant lifespans: set through the lifespans endpoint, written back canonical, and unset when absent.</summary>
    [Fact]
    public async Task Lifespans_DeviceGrantLifespans_AreSetCanonical_AndBadOnesNameTheField()
    {
        var id = NewId("device-life");
        await server.CreateAsync(Body($$$"""{"client_id":"{{{id}}}","grant_types":["urn:ietf:params:oauth:grant-type:device_code"],"scope":"read"}"""));

        var response = await PutLifespansAsync(id, Body("""
            {"device_authorization_grant_access_token_lifespan":"90m","device_authorization_grant_id_token_lifespan":"1h",
             "device_authorization_grant_refresh_token_lifespan":"720h"}
            """));

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        var stored = await server.GetClientAsync(id);
        Assert.Equal("1h30m0s", stored["device_authorization_grant_access_token_lifespan"].Text());
        Assert.Equal("1h0m0s", stored["device_authorization_grant_id_token_lifespan"].Text());
        Assert.Equal("720h0m0s", stored["device_authorization_grant_refresh_token_lifespan"].Text());

        var bad = await PutLifespansAsync(id, Body("""{"device_authorization_grant_access_token_lifespan":"soon"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Contains("device_authorization_grant_access_token_lifespan", bad.Body, StringComparison.Ordinal);

        var cleared = await PutLifespansAsync(id, Body("{}"));
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Null((await server.GetClientAsync(id))["device_authorization_grant_access_token_lifespan"]);
    }

    [Fact]
    public async Task Lifespans_ClientCredentialsLifespan_LimitsNewTokens()
    {
        var client = await server.CreateMachineClientAsync(secret: "short-lived-secret");
        var id = client["client_id"].Text();
        var (_, before) = await server.ClientCredentialsAsync(id, "short-lived-secret");
        Assert.True(before["expires_in"]!.GetValue<int>() > 300, before.ToJsonString());

        var response = await PutLifespansAsync(id, Body("""{"client_credentials_grant_access_token_lifespan":"5m"}"""));
        Assert.Equal(HttpStatusCode.OK, response.Status);

        var (status, token) = await server.ClientCredentialsAsync(id, "short-lived-secret");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.InRange(token["expires_in"]!.GetValue<int>(), 1, 300);
    }

    [Fact]
    public async Task Lifespans_BadDuration_Is400()
    {
        var client = await server.CreateMachineClientAsync();

        var response = await PutLifespansAsync(client["client_id"].Text(), Body("""{"client_credentials_grant_access_token_lifespan":"5 minutes"}"""));

        AssertError(response, HttpStatusCode.BadRequest, Malformed, descriptionContains: "client_credentials_grant_access_token_lifespan");
    }
}

public sealed class SqliteClientUpdateTests(SqliteClockedServer server) : ClientUpdateTests<SqliteClockedServer>(server);

public sealed class PostgresClientUpdateTests(PostgresClockedServer server) : ClientUpdateTests<PostgresClockedServer>(server);
