using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary>
/// The request bodies Blink's tooling sends: the <c>hydra create client</c> CLI (every flag, defaults included, as
/// the CLI puts them on the wire) and the Terraform provider <c>svrakitin/hydra</c> (the full field list on every
/// create and update). The clients must work, and reading them back must show no drift.
/// </summary>
public abstract class ClientConsumerTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    /// <summary>
    /// The body of <c>hydra create client</c> with the given flags; everything not given has the CLI's flag default
    /// (grant type authorization_code, response type code, client_secret_basic, public subjects, RS256 request objects, metadata {}).
    /// </summary>
    private static JsonObject HydraCliBody(
        string[]? grantTypes = null, string[]? responseTypes = null, string[]? scopes = null, string[]? redirectUris = null,
        string name = "", string secret = "", string authMethod = "client_secret_basic", bool skipConsent = false) => new()
    {
        ["allowed_cors_origins"] = new JsonArray(),
        ["audience"] = new JsonArray(),
        ["backchannel_logout_session_required"] = false,
        ["backchannel_logout_uri"] = "",
        ["client_id"] = "",
        ["client_name"] = name,
        ["client_secret"] = secret,
        ["client_uri"] = "",
        ["contacts"] = new JsonArray(),
        ["frontchannel_logout_session_required"] = false,
        ["frontchannel_logout_uri"] = "",
        ["grant_types"] = Array(grantTypes ?? ["authorization_code"]),
        ["jwks_uri"] = "",
        ["logo_uri"] = "",
        ["metadata"] = new JsonObject(),
        ["owner"] = "",
        ["policy_uri"] = "",
        ["post_logout_redirect_uris"] = new JsonArray(),
        ["redirect_uris"] = Array(redirectUris ?? []),
        ["request_object_signing_alg"] = "RS256",
        ["request_uris"] = new JsonArray(),
        ["response_types"] = Array(responseTypes ?? ["code"]),
        ["scope"] = string.Join(" ", scopes ?? []),
        ["sector_identifier_uri"] = "",
        ["skip_consent"] = skipConsent,
        ["skip_logout_consent"] = false,
        ["subject_type"] = "public",
        ["token_endpoint_auth_method"] = authMethod,
        ["tos_uri"] = "",
    };

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(value => (JsonNode)value)]);

    /// <summary>What the Terraform provider sends (dataToClient): every list, every URI, client_id "" on create.</summary>
    private static JsonObject TerraformBody(
        string clientName, string[] grantTypes, string[] responseTypes, string[] redirectUris, string authMethod, string[] scopes, bool skipConsent,
        string clientId = "", string? secret = null)
    {
        var body = new JsonObject
        {
            ["allowed_cors_origins"] = new JsonArray(),
            ["audience"] = new JsonArray(),
            ["contacts"] = new JsonArray(),
            ["grant_types"] = Array(grantTypes),
            ["post_logout_redirect_uris"] = new JsonArray(),
            ["redirect_uris"] = Array(redirectUris),
            ["request_uris"] = new JsonArray(),
            ["response_types"] = Array(responseTypes),
            ["backchannel_logout_session_required"] = false,
            ["backchannel_logout_uri"] = "",
            ["client_id"] = clientId,
            ["client_name"] = clientName,
            ["client_uri"] = "",
            ["frontchannel_logout_uri"] = "",
            ["jwks_uri"] = "",
            ["logo_uri"] = "",
            ["policy_uri"] = "",
            ["sector_identifier_uri"] = "",
            ["tos_uri"] = "",
            ["skip_consent"] = skipConsent,
            ["token_endpoint_auth_method"] = authMethod,
        };
        if (scopes.Length > 0)
        {
            body["scope"] = string.Join(" ", scopes);
        }

        if (secret is not null)
        {
            body["client_secret"] = secret;
        }

        return body;
    }

    // Blink docs/hydra.tf
    private static JsonObject TerraformPublicExample(string clientId = "", string name = "example") =>
        TerraformBody(name, [], ["code"], ["http://localhost:8080/callback"], "none", [], skipConsent: true, clientId);

    private static JsonObject TerraformBlinkApp(string clientId = "", string? secret = null) =>
        TerraformBody("blink_app", ["client_credentials"], ["token"], [], "client_secret_basic", ["editor"], skipConsent: true, clientId, secret);

    /// <summary>The Terraform provider re-reads after every apply; these must come back exactly as sent.</summary>
    private static void AssertNoTerraformDrift(JsonObject sent, JsonObject read)
    {
        foreach (var field in new[] { "grant_types", "response_types", "redirect_uris", "audience", "allowed_cors_origins", "contacts", "client_name", "skip_consent", "token_endpoint_auth_method" })
        {
            Assert.True(JsonNode.DeepEquals(sent[field], read[field]), $"drift in {field}: sent {sent[field]?.ToJsonString()}, read {read[field]?.ToJsonString()}");
        }

        foreach (var list in new[] { "post_logout_redirect_uris", "request_uris" })
        {
            Assert.True(!read.ContainsKey(list) || read[list]!.AsArray().Count == 0, $"{list}: {read[list]?.ToJsonString()}");
        }

        Assert.IsType<JsonObject>(read["jwks"]); // the provider casts jwks to a map unguarded
        Assert.False(read.ContainsKey("access_token_strategy"), "access_token_strategy must be left out when not set");
        Assert.False(read.ContainsKey("request_object_signing_alg"), "request_object_signing_alg must be left out when not set");
        if (sent.ContainsKey("scope"))
        {
            Assert.Equal(sent["scope"].Text(), read["scope"].Text());
        }
    }

    [Fact]
    public async Task HydraCli_ClientCredentialsAsBlinkSetup_IssuesTokenWithRequestedScopes()
    {
        // hydra create client --grant-type client_credentials --response-type code,id_token --scope read --scope write --format json
        var created = await server.CreateAsync(HydraCliBody(["client_credentials"], ["code", "id_token"], ["read", "write"], name: "blink-cc"));
        var id = created["client_id"].Text();
        var secret = created["client_secret"].Text();

        Assert.True(Guid.TryParse(id, out _));
        Assert.Matches("^[A-Za-z0-9_.~-]{26}$", secret);
        Assert.Equal(["client_credentials"], created["grant_types"].Strings());
        Assert.Equal(["code", "id_token"], created["response_types"].Strings());
        Assert.Equal("read write", created["scope"].Text());

        var (status, token) = await server.ClientCredentialsAsync(id, secret, "read write");
        Assert.True(status == HttpStatusCode.OK, token.ToJsonString());
        Assert.Equal("read write", token["scope"].Text());
        var introspection = await server.IntrospectAsync(token["access_token"].Text());
        Assert.True(introspection["active"]!.GetValue<bool>());
        Assert.Equal(id, introspection["client_id"].Text());
        Assert.Equal("read write", introspection["scope"].Text());
    }

    [Fact]
    public async Task HydraCli_ClientCredentials_RefusesScopeNotRegistered()
    {
        var created = await server.CreateAsync(HydraCliBody(["client_credentials"], ["code", "id_token"], ["read", "write"]));

        var (status, body) = await server.ClientCredentialsAsync(created["client_id"].Text(), created["client_secret"].Text(), "admin");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_scope", body["error"].Text());
    }

    [Fact]
    public async Task HydraCli_AuthorizationCodeDashboardClient_IsStoredAsSent()
    {
        // hydra create client --grant-type authorization_code,refresh_token --response-type code,id_token
        //   --scope offline --scope read --scope write --scope openid --redirect-uri .../api/auth/callback/blink --skip-consent
        var sent = HydraCliBody(["authorization_code", "refresh_token"], ["code", "id_token"], ["offline", "read", "write", "openid"],
            ["http://localhost:3001/api/auth/callback/blink"], name: "dashboard", skipConsent: true);

        var created = await server.CreateAsync(sent);
        var stored = await server.GetClientAsync(created["client_id"].Text());

        foreach (var view in new[] { created, stored })
        {
            Assert.Equal(["authorization_code", "refresh_token"], view["grant_types"].Strings());
            Assert.Equal(["code", "id_token"], view["response_types"].Strings());
            Assert.Equal("offline read write openid", view["scope"].Text());
            Assert.Equal(["http://localhost:3001/api/auth/callback/blink"], view["redirect_uris"].Strings());
            Assert.Equal("dashboard", view["client_name"].Text());
            Assert.True(view["skip_consent"]!.GetValue<bool>());
            Assert.Equal("client_secret_basic", view["token_endpoint_auth_method"].Text());
        }

        // Not a client_credentials client: Hydra's grant check applies.
        var (status, body) = await server.ClientCredentialsAsync(created["client_id"].Text(), created["client_secret"].Text());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body["error"].Text());
    }

    [Fact]
    public async Task HydraCli_WithSecretFlag_EchoesSecret()
    {
        var created = await server.CreateAsync(HydraCliBody(["client_credentials"], scopes: ["read"], secret: "cli-chosen-secret"));

        Assert.Equal("cli-chosen-secret", created["client_secret"].Text());
        await server.AssertSecretWorksAsync(created["client_id"].Text(), "cli-chosen-secret");
    }

    [Fact]
    public async Task HydraCli_PkcePublicClient_HasNoSecret()
    {
        // docs/hydra.md PKCE example: --token-endpoint-auth-method none
        var created = await server.CreateAsync(HydraCliBody(["authorization_code"], ["code", "id_token"], ["read", "write"],
            ["http://localhost:5555/callback"], authMethod: "none"));

        Assert.False(created.ContainsKey("client_secret"), created.ToJsonString());
        Assert.Equal("none", (await server.GetClientAsync(created["client_id"].Text()))["token_endpoint_auth_method"].Text());
    }

    [Fact]
    public async Task HydraCli_DefaultFlagsOnly_GetsServerDefaults()
    {
        var created = await server.CreateAsync(HydraCliBody());

        Assert.Equal(["authorization_code"], created["grant_types"].Strings());
        Assert.Equal(["code"], created["response_types"].Strings());
        Assert.Equal("offline_access offline openid", created["scope"].Text());
        Assert.Equal("{}", created["metadata"]!.ToJsonString());
        Assert.Equal("", created["client_name"].Text());
    }

    [Fact]
    public async Task Terraform_PublicExampleResource_CreatesAndReadsWithoutDrift()
    {
        var sent = TerraformPublicExample();

        var created = await server.CreateAsync(sent);
        var read = await server.GetClientAsync(created["client_id"].Text());

        Assert.True(Guid.TryParse(created["client_id"].Text(), out _));
        Assert.False(created.ContainsKey("client_secret"));
        AssertNoTerraformDrift(sent, created);
        AssertNoTerraformDrift(sent, read);
        Assert.Empty(read["grant_types"].Strings());
        Assert.Equal("offline_access offline openid", read["scope"].Text()); // Computed in the provider: a default is fine
    }

    [Fact]
    public async Task Terraform_BlinkAppResource_CreatesWorkingClientWithoutDrift()
    {
        var sent = TerraformBlinkApp();

        var created = await server.CreateAsync(sent);
        var id = created["client_id"].Text();
        var read = await server.GetClientAsync(id);

        AssertNoTerraformDrift(sent, created);
        AssertNoTerraformDrift(sent, read);
        var (status, token) = await server.ClientCredentialsAsync(id, created["client_secret"].Text(), "editor");
        Assert.True(status == HttpStatusCode.OK, token.ToJsonString());
        Assert.Equal("editor", token["scope"].Text());
    }

    [Fact]
    public async Task Terraform_UpdateWithSecretFromState_KeepsClientWorkingWithoutDrift()
    {
        var created = await server.CreateAsync(TerraformBlinkApp());
        var id = created["client_id"].Text();
        var secret = created["client_secret"].Text();

        // terraform apply after a change: PUT of the full body, client_id set, client_secret from state.
        var update = TerraformBlinkApp(id, secret);
        update["audience"] = new JsonArray("https://api.blink.sv");
        var response = await server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}", update);

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        Assert.Equal(secret, response.Document["client_secret"].Text());
        var read = await server.GetClientAsync(id);
        AssertNoTerraformDrift(update, read);
        Assert.Equal(created["created_at"].Text(), read["created_at"].Text());
        await server.AssertSecretWorksAsync(id, secret);
    }

    [Fact]
    public async Task Terraform_UpdateOfPublicClient_StaysPublic()
    {
        var created = await server.CreateAsync(TerraformPublicExample());
        var id = created["client_id"].Text();

        var update = TerraformPublicExample(id, "example renamed");
        var response = await server.Admin.SendAsync(HttpMethod.Put, $"{ClientsPath}/{id}", update);

        Assert.True(response.Status == HttpStatusCode.OK, response.Describe());
        Assert.False(response.Document.ContainsKey("client_secret"), response.Body);
        AssertNoTerraformDrift(update, await server.GetClientAsync(id));
    }

    [Fact]
    public async Task Terraform_WithLifespansAndMetadataJson_RoundTrips()
    {
        var sent = TerraformBlinkApp();
        sent["client_credentials_grant_access_token_lifespan"] = "30m";
        sent["metadata"] = JsonNode.Parse("""{"team":"payments","limits":{"daily":1000}}""");
        sent["access_token_strategy"] = "opaque";
        sent["subject_type"] = "public";
        sent["userinfo_signed_response_alg"] = "none";

        var created = await server.CreateAsync(sent);
        var read = await server.GetClientAsync(created["client_id"].Text());

        Assert.Equal("30m0s", read["client_credentials_grant_access_token_lifespan"].Text());
        Assert.True(JsonNode.DeepEquals(sent["metadata"], read["metadata"]));
        Assert.Equal("opaque", read["access_token_strategy"].Text());
        var (_, token) = await server.ClientCredentialsAsync(created["client_id"].Text(), created["client_secret"].Text(), "editor");
        Assert.InRange(token["expires_in"]!.GetValue<int>(), 1, 1800);
    }

    [Fact]
    public async Task Terraform_Delete_Returns204()
    {
        var created = await server.CreateAsync(TerraformBlinkApp());

        var response = await server.Admin.SendAsync(HttpMethod.Delete, $"{ClientsPath}/{created["client_id"].Text()}");

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
    }

    [Fact]
    public async Task BatsHelper_MinimalClientCredentialsClient_Works()
    {
        // bats/helpers/admin.bash: POST /admin/clients {"grant_types":["client_credentials"]}, then a token with -u id:secret
        var created = await server.CreateAsync(Body("""{"grant_types":["client_credentials"]}"""));

        var (status, token) = await server.ClientCredentialsAsync(created["client_id"].Text(), created["client_secret"].Text());

        Assert.True(status == HttpStatusCode.OK, token.ToJsonString());
        Assert.False(string.IsNullOrEmpty(token["access_token"].Text()));
    }
}

public sealed class SqliteClientConsumerTests(SqliteServerFixture server) : ClientConsumerTests<SqliteServerFixture>(server);

public sealed class PostgresClientConsumerTests(PostgresServerFixture server) : ClientConsumerTests<PostgresServerFixture>(server);
