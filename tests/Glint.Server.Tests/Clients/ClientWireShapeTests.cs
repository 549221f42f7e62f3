using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary>
/// The exact JSON of Hydra's client object: every field round-trips through POST then GET, and checked-in golden
/// files pin key set, key order and values of created clients and of error bodies.
/// </summary>
public abstract class ClientWireShapeTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static readonly string[] Volatile = ["client_id", "client_secret", "created_at", "updated_at"];

    [Fact]
    public async Task FullClient_EveryFieldRoundTripsThroughPostAndGet()
    {
        var sent = FullClient(NewId("full"));

        var created = await server.CreateAsync(sent);
        var stored = await server.GetClientAsync(sent["client_id"].Text());

        foreach (var (field, value) in sent)
        {
            Assert.True(JsonNode.DeepEquals(value, created[field]), $"create echo of {field}: sent {value?.ToJsonString()}, got {created[field]?.ToJsonString()}");
            if (field == "client_secret")
            {
                continue;
            }

            Assert.True(stored.ContainsKey(field), $"GET lacks {field}");
            Assert.True(JsonNode.DeepEquals(value, stored[field]), $"GET of {field}: sent {value?.ToJsonString()}, got {stored[field]?.ToJsonString()}");
        }

        Assert.False(stored.ContainsKey("client_secret"), "GET must never return client_secret");
        Assert.Equal(sent.Select(pair => pair.Key).Where(key => key != "client_secret").Order(StringComparer.Ordinal),
            stored.Select(pair => pair.Key).Where(key => key is not ("created_at" or "updated_at")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FullClient_SecretAuthenticatesWithRegisteredMethod()
    {
        var sent = FullClient(NewId("full"));
        await server.CreateAsync(sent);

        using var response = await server.TokenAsync(sent["client_id"].Text(), "full-client-secret",
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" }, basic: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_NeverReturnsSecret()
    {
        var client = await server.CreateMachineClientAsync(secret: "never-shown-secret");

        var response = await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}/{client["client_id"].Text()}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.DoesNotContain("\"client_secret\":", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("never-shown-secret", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Golden_CreateOfHydraSnapshotBody()
    {
        // The body of Hydra's own snapshot test (client/.snapshots/...basic_admin_registration.json).
        var response = await server.PostClientAsync(Body("""{"client_secret":"averylongsecret","redirect_uris":["http://localhost:3000/cb"],"metadata":{"foo":"bar"}}"""));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        GoldenFiles.AssertMatches("create-basic.json", Mask(response.Document, "client_id", "created_at", "updated_at"));
    }

    [Fact]
    public async Task Golden_GetOfHydraSnapshotBody()
    {
        var created = await server.CreateAsync(Body("""{"client_secret":"averylongsecret","redirect_uris":["http://localhost:3000/cb"],"metadata":{"foo":"bar"}}"""));

        var stored = await server.GetClientAsync(created["client_id"].Text());

        GoldenFiles.AssertMatches("get-basic.json", Mask(stored, Volatile));
    }

    [Fact]
    public async Task Golden_CreateWithGeneratedSecretAndEmptyBody()
    {
        var response = await server.PostClientAsync("{}");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        GoldenFiles.AssertMatches("create-empty.json", Mask(response.Document, Volatile));
    }

    [Fact]
    public async Task Golden_CreateOfFullClient()
    {
        var response = await server.PostClientAsync(FullClient(NewId("full")));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        GoldenFiles.AssertMatches("create-full.json", Mask(response.Document, Volatile));
    }

    [Fact]
    public async Task Golden_CreateOfPublicClient()
    {
        var response = await server.PostClientAsync(Body("""{"client_name":"spa","token_endpoint_auth_method":"none","redirect_uris":["http://localhost:8080/callback"],"response_types":["code"]}"""));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        GoldenFiles.AssertMatches("create-public.json", Mask(response.Document, Volatile));
    }

    [Fact]
    public async Task Golden_ErrorNotFound()
    {
        var response = await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}/{NewId("missing")}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        GoldenFiles.AssertMatches("error-not-found.json", response.Json);
    }

    [Fact]
    public async Task Golden_ErrorConflict()
    {
        var id = NewId("dup");
        await server.CreateAsync(new JsonObject { ["client_id"] = id });

        var response = await server.PostClientAsync(new JsonObject { ["client_id"] = id });

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        GoldenFiles.AssertMatches("error-conflict.json", response.Json);
    }

    [Fact]
    public async Task Golden_ErrorShortSecret()
    {
        var response = await server.PostClientAsync(Body("""{"client_secret":"short"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        GoldenFiles.AssertMatches("error-short-secret.json", response.Json);
    }

    [Fact]
    public async Task Golden_ErrorRedirectUriFragment()
    {
        var response = await server.PostClientAsync(Body("""{"redirect_uris":["http://localhost:3000/cb#x"]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        GoldenFiles.AssertMatches("error-redirect-fragment.json", response.Json);
    }

    [Fact]
    public async Task Golden_ErrorMalformedBody()
    {
        var response = await server.PostClientAsync("null");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        GoldenFiles.AssertMatches("error-malformed.json", response.Json);
    }
}

public sealed class SqliteClientWireShapeTests(SqliteServerFixture server) : ClientWireShapeTests<SqliteServerFixture>(server);

public sealed class PostgresClientWireShapeTests(PostgresServerFixture server) : ClientWireShapeTests<PostgresServerFixture>(server);
