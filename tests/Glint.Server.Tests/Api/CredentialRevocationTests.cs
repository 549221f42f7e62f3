using System.Net;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Every way an OAuth token dies reaches the API on its next use: a 401 in the API's error shape, never an anonymous
/// call, and introspection agrees.
/// </summary>
public abstract class CredentialRevocationTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task AssertRefusedAsync(string token)
    {
        foreach (var (header, value) in (ValueTuple<string, string>[])[("Oauth2-Token", token), ("Authorization", "Bearer " + token)])
        {
            using var response = await server.PostGraphQLWithAsync(header, value, "query { me { id } }");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.False(await server.IsActiveAsync(token));
    }

    [Fact]
    public async Task A_token_revoked_at_the_revocation_endpoint_is_refused_on_its_next_use()
    {
        var (client, _, access, _) = await server.ConnectedAppAsync();
        await server.RevokeTokenAsync(client, access);

        await AssertRefusedAsync(access);
    }

    [Fact]
    public async Task Revoking_the_users_consent_refuses_the_apps_access_and_refresh_tokens()
    {
        var (client, userId, access, refresh) = await server.ConnectedAppAsync();

        using var revoked = await server.Admin.DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={userId}&client={Uri.EscapeDataString(client.Id)}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        await AssertRefusedAsync(access);
        Assert.False(await server.IsActiveAsync(refresh));
    }

    [Fact]
    public async Task Deleting_the_clients_tokens_refuses_them()
    {
        var (client, _, access, _) = await server.ConnectedAppAsync();

        using var deleted = await server.Admin.DeleteAsync($"/admin/oauth2/tokens?client_id={Uri.EscapeDataString(client.Id)}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await AssertRefusedAsync(access);
    }

    [Fact]
    public async Task A_garbage_token_is_401_not_anonymous()
    {
        await AssertRefusedAsync("glint_at_not-a-real-token");
    }
}

public sealed class SqliteCredentialRevocationTests(SqliteServerFixture server) : CredentialRevocationTests<SqliteServerFixture>(server);

public sealed class PostgresCredentialRevocationTests(PostgresServerFixture server) : CredentialRevocationTests<PostgresServerFixture>(server);
