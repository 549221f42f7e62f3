using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Clients;

/// <summary>GET and DELETE of one client, unknown ids on every route, and the paths Hydra also answers (legacy, trailing slash).</summary>
public abstract class ClientLookupAndDeleteTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData("GET", "/admin/clients/{0}", null)]
    [InlineData("PUT", "/admin/clients/{0}", """{"client_name":"x"}""")]
    [InlineData("PATCH", "/admin/clients/{0}", """[{"op":"replace","path":"/client_name","value":"x"}]""")]
    [InlineData("DELETE", "/admin/clients/{0}", null)]
    [InlineData("PUT", "/admin/clients/{0}/lifespans", """{"client_credentials_grant_access_token_lifespan":"5m"}""")]
    [InlineData("GET", "/clients/{0}", null)]
    [InlineData("PUT", "/clients/{0}", "{}")]
    [InlineData("DELETE", "/clients/{0}", null)]
    public async Task UnknownId_Is404WithHydraBody(string method, string path, string? body)
    {
        var response = await server.Admin.SendAsync(new HttpMethod(method), string.Format(System.Globalization.CultureInfo.InvariantCulture, path, NewId("unknown")), body);

        AssertNotFound(response);
    }

    [Fact]
    public async Task Get_ExistingClient_Returns200WithNoCacheHeader()
    {
        var client = await server.CreateMachineClientAsync();

        var response = await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}/{client["client_id"].Text()}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.ContentHeaders.ContentType?.ToString());
        Assert.Equal(client["client_id"].Text(), response.Document["client_id"].Text());
        Assert.Equal(["must-revalidate", "no-cache", "no-store", "private"],
            response.Headers.NonValidated["Cache-Control"].ToString().Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Get_IdWithReservedCharacters_IsFoundWhenEscaped()
    {
        var id = "id with spaces+plus@" + Guid.NewGuid().ToString("N");
        var created = await server.CreateAsync(new JsonObject { ["client_id"] = id });

        Assert.Equal(id, created["client_id"].Text());
        Assert.Equal(id, (await server.GetClientAsync(id))["client_id"].Text());
    }

    [Fact]
    public async Task Delete_Returns204EmptyThenGetIs404()
    {
        var client = await server.CreateMachineClientAsync();
        var id = client["client_id"].Text();

        var response = await server.Admin.SendAsync(HttpMethod.Delete, $"{ClientsPath}/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.Status);
        Assert.Equal("", response.Body);
        AssertNotFound(await server.Admin.SendAsync(HttpMethod.Get, $"{ClientsPath}/{id}"));
        AssertNotFound(await server.Admin.SendAsync(HttpMethod.Delete, $"{ClientsPath}/{id}"));
    }

    [Fact]
    public async Task Delete_TokensOfDeletedClient_BecomeInactive()
    {
        var client = await server.CreateMachineClientAsync(secret: "soon-deleted");
        var id = client["client_id"].Text();
        var (status, token) = await server.ClientCredentialsAsync(id, "soon-deleted", "read");
        Assert.Equal(HttpStatusCode.OK, status);
        var accessToken = token["access_token"].Text();
        Assert.True((await server.IntrospectAsync(accessToken))["active"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.SendAsync(HttpMethod.Delete, $"{ClientsPath}/{id}")).Status);

        var introspection = await server.IntrospectAsync(accessToken);
        Assert.False(introspection["active"]!.GetValue<bool>(), introspection.ToJsonString());
        await server.AssertSecretRefusedAsync(id, "soon-deleted");
    }

    [Fact]
    public async Task Delete_ThenCreateSameId_Works()
    {
        var id = NewId("again");
        await server.CreateMachineClientAsync(id, "first-secret");
        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.SendAsync(HttpMethod.Delete, $"{ClientsPath}/{id}")).Status);

        await server.CreateMachineClientAsync(id, "second-secret");

        await server.AssertSecretWorksAsync(id, "second-secret");
        await server.AssertSecretRefusedAsync(id, "first-secret");
    }

    [Fact]
    public async Task LegacyPaths_WithoutAdminPrefix_ServeTheSameApi()
    {
        var id = NewId("legacy");

        var created = await server.Admin.SendAsync(HttpMethod.Post, "/clients", new JsonObject { ["client_id"] = id, ["client_name"] = "legacy" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"/admin/clients/{id}", created.Headers.Location?.OriginalString);

        var fetched = await server.Admin.SendAsync(HttpMethod.Get, $"/clients/{id}");
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal("legacy", fetched.Document["client_name"].Text());

        var replaced = await server.Admin.SendAsync(HttpMethod.Put, $"/clients/{id}", new JsonObject { ["client_name"] = "replaced" });
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal("replaced", replaced.Document["client_name"].Text());

        var patched = await server.Admin.SendAsync(HttpMethod.Patch, $"/clients/{id}", """[{"op":"replace","path":"/owner","value":"legacy-owner"}]""");
        Assert.Equal(HttpStatusCode.OK, patched.Status);

        var lifespans = await server.Admin.SendAsync(HttpMethod.Put, $"/clients/{id}/lifespans", """{"jwt_bearer_grant_access_token_lifespan":"1m"}""");
        Assert.Equal(HttpStatusCode.OK, lifespans.Status);
        Assert.Equal("1m0s", lifespans.Document["jwt_bearer_grant_access_token_lifespan"].Text());

        var list = await server.Admin.SendAsync(HttpMethod.Get, "/clients?owner=legacy-owner");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal([id], list.Items.Select(item => item!["client_id"].Text()));

        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.SendAsync(HttpMethod.Delete, $"/clients/{id}")).Status);
        AssertNotFound(await server.Admin.SendAsync(HttpMethod.Get, $"/clients/{id}"));
    }

    [Fact]
    public async Task TrailingSlash_IsIgnored()
    {
        var created = await server.Admin.SendAsync(HttpMethod.Post, "/admin/clients/", new JsonObject { ["owner"] = NewId("slash") });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = created.Document["client_id"].Text();

        Assert.Equal(HttpStatusCode.OK, (await server.Admin.SendAsync(HttpMethod.Get, $"/admin/clients/{id}/")).Status);
        var list = await server.Admin.SendAsync(HttpMethod.Get, $"/admin/clients/?owner={created.Document["owner"].Text()}");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Single(list.Items);
    }

    [Fact]
    public async Task ClientApi_IsNotServedOnPublicPort()
    {
        var client = await server.CreateMachineClientAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await server.Public.SendAsync(HttpMethod.Get, $"/admin/clients/{client["client_id"].Text()}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Public.SendAsync(HttpMethod.Post, "/admin/clients", "{}")).Status);
        Assert.NotEqual(HttpStatusCode.Created, (await server.Public.SendAsync(HttpMethod.Post, "/clients", "{}")).Status);
    }
}

public sealed class SqliteClientLookupAndDeleteTests(SqliteServerFixture server) : ClientLookupAndDeleteTests<SqliteServerFixture>(server);

public sealed class PostgresClientLookupAndDeleteTests(PostgresServerFixture server) : ClientLookupAndDeleteTests<PostgresServerFixture>(server);
