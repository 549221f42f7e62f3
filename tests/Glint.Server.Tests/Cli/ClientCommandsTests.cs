using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Cli.GlintCli;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Cli;

/// <summary><c>glint create|get|update|delete client</c> and <c>list clients</c> against a running Glint.</summary>
public abstract class ClientCommandsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<JsonObject> StoredAsync(string id)
    {
        using var response = await server.Admin.GetAsync($"/admin/clients/{id}", TestContext.Current.CancellationToken);
        return await OkJsonAsync(response, "get client");
    }

    [Fact]
    public async Task CreateClient_TheIssuesExample_PrintsTheAdminApisJsonWithTheSecret()
    {
        var run = await RunAsync(
            "create", "client", "--endpoint", $"http://127.0.0.1:{server.AdminPort}", "--name", "dashboard",
            "--grant-type", "authorization_code,refresh_token", "--response-type", "code,id_token", "--format", "json",
            "--scope", "read", "--scope", "write", "--redirect-uri", "http://localhost:3001/api/auth/callback/blink");

        Assert.True(run.Exit == 0, run.ToString());
        Assert.Single(run.Output.Trim().Split('\n'));
        var created = run.Json.AsObject();
        Assert.Equal(26, created["client_secret"]!.GetValue<string>().Length);
        Assert.Equal("dashboard", created["client_name"]!.GetValue<string>());
        Assert.Equal(["authorization_code", "refresh_token"], Strings(created["grant_types"]));
        Assert.Equal(["code", "id_token"], Strings(created["response_types"]));
        Assert.Equal("read write", created["scope"]!.GetValue<string>());
        Assert.Equal(["http://localhost:3001/api/auth/callback/blink"], Strings(created["redirect_uris"]));

        // The output is the admin API's own JSON: the stored client, plus the secret shown once.
        var stored = await StoredAsync(created["client_id"]!.GetValue<string>());
        created.Remove("client_secret");
        Assert.True(JsonNode.DeepEquals(stored, created), $"printed {created}\nstored  {stored}");
    }

    [Fact]
    public async Task CreateClient_RepeatedFlagsAndCommaSeparatedValues_MeanTheSame()
    {
        var repeated = await server.CliCreateClientAsync("--grant-type", "authorization_code", "--grant-type", "refresh_token", "--scope", "read", "--scope", "write",
            "--redirect-uri", "http://127.0.0.1/a", "--redirect-uri", "http://127.0.0.1/b", "--audience", "api", "--audience", "ledger");
        var commas = await server.CliCreateClientAsync("--grant-type", "authorization_code,refresh_token", "--scope", "read,write",
            "--redirect-uri", "http://127.0.0.1/a,http://127.0.0.1/b", "--audience", "api,ledger");

        foreach (var field in (string[])["grant_types", "scope", "redirect_uris", "audience"])
        {
            Assert.True(JsonNode.DeepEquals(repeated[field], commas[field]), field);
        }

        Assert.Equal(["api", "ledger"], Strings(commas["audience"]));
    }

    [Fact]
    public async Task CreateClient_WithoutFlags_HasTheHydraClisDefaults()
    {
        var created = await server.CliCreateClientAsync();

        Assert.Equal(["authorization_code"], Strings(created["grant_types"]));
        Assert.Equal(["code"], Strings(created["response_types"]));
        Assert.Equal("client_secret_basic", created["token_endpoint_auth_method"]!.GetValue<string>());
        Assert.Equal("offline_access offline openid", created["scope"]!.GetValue<string>());
        Assert.False(created["skip_consent"]!.GetValue<bool>());
        Assert.True(Guid.TryParse(created["client_id"]!.GetValue<string>(), out _));
    }

    [Fact]
    public async Task CreateClient_BlinksOtherFlags_SetTheirFields()
    {
        var owner = Unique("owner");
        var publicClient = await server.CliCreateClientAsync("--token-endpoint-auth-method", "none", "--skip-consent", "--owner", owner,
            "--audience", "https://api.blink.sv", "--redirect-uri", "http://localhost:5555/callback", "--id", Unique("pkce"));
        var withSecret = await server.CliCreateClientAsync("--secret", "averylongsecret", "--grant-type", "client_credentials");

        Assert.Equal("none", publicClient["token_endpoint_auth_method"]!.GetValue<string>());
        Assert.Null(publicClient["client_secret"]);
        Assert.True(publicClient["skip_consent"]!.GetValue<bool>());
        Assert.Equal(owner, publicClient["owner"]!.GetValue<string>());
        Assert.Equal(["https://api.blink.sv"], Strings(publicClient["audience"]));
        Assert.StartsWith("pkce-", publicClient["client_id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("averylongsecret", withSecret["client_secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateClient_TableFormat_ShowsTheHydraClisColumns()
    {
        var run = await RunAsync(["create", "client", .. server.AdminEndpoint(), "--secret", "averylongsecret", "--scope", "read", "--grant-type", "client_credentials"]);

        Assert.True(run.Exit == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["CLIENT ID", "CLIENT SECRET", "GRANT TYPES", "RESPONSE TYPES", "SCOPE", "AUDIENCE", "REDIRECT URIS"],
            lines.Select(line => line.Split("  ")[0]));
        Assert.Matches(@"^CLIENT SECRET\s+averylongsecret$", lines[1]);
        Assert.Matches(@"^GRANT TYPES\s+client_credentials$", lines[2]);
    }

    [Fact]
    public async Task GetClient_PrintsTheStoredClient_AndSeveralAsAnArray()
    {
        var first = (await server.CliCreateClientAsync("--name", "first"))["client_id"]!.GetValue<string>();
        var second = (await server.CliCreateClientAsync("--name", "second"))["client_id"]!.GetValue<string>();

        var one = await RunAsync(["get", "client", first, .. server.AdminEndpoint(), "--format", "json"]);
        var two = await RunAsync(["get", "client", first, second, .. server.AdminEndpoint(), "--format", "json"]);
        var table = await RunAsync(["get", "client", first, second, .. server.AdminEndpoint()]);

        Assert.True(JsonNode.DeepEquals(await StoredAsync(first), one.Json), one.ToString());
        Assert.Null(one.Json["client_secret"]);
        Assert.Equal([first, second], two.Json.AsArray().Select(client => client!["client_id"]!.GetValue<string>()));
        Assert.StartsWith("CLIENT ID", table.Output, StringComparison.Ordinal);
        Assert.Contains(first, table.Output, StringComparison.Ordinal);
        Assert.Contains(second, table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListClients_PagesThroughTheServersLinkHeader()
    {
        await server.CliCreateClientAsync();
        await server.CliCreateClientAsync();

        var firstPage = (await RunAsync(["list", "clients", .. server.AdminEndpoint(), "--page-size", "1", "--format", "json"])).Json;
        var token = firstPage["next_page_token"]!.GetValue<string>();
        var secondPage = (await RunAsync(["list", "clients", .. server.AdminEndpoint(), "--page-size", "1", "--page-token", token, "--format", "json"])).Json;
        var all = (await RunAsync(["list", "clients", .. server.AdminEndpoint(), "--format", "json"])).Json;
        var table = await RunAsync(["list", "clients", .. server.AdminEndpoint()]);

        Assert.Single(firstPage["items"]!.AsArray());
        Assert.False(firstPage["is_last_page"]!.GetValue<bool>());
        Assert.NotEqual(firstPage["items"]![0]!["client_id"]!.GetValue<string>(), secondPage["items"]![0]!["client_id"]!.GetValue<string>());
        Assert.True(all["is_last_page"]!.GetValue<bool>());
        Assert.Equal("", all["next_page_token"]!.GetValue<string>());
        using var listed = await server.Admin.GetAsync("/admin/clients", TestContext.Current.CancellationToken);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)), all["items"]));
        Assert.Equal(all["items"]!.AsArray().Count + 1, table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task UpdateClient_ChangesOnlyTheFieldsWhoseFlagsAreGiven()
    {
        var created = await server.CliCreateClientAsync("--name", "pos", "--grant-type", "authorization_code,refresh_token", "--scope", "read",
            "--redirect-uri", "http://localhost:3002/api/auth/callback/blink");
        var id = created["client_id"]!.GetValue<string>();

        var run = await RunAsync(["update", "client", id, .. server.AdminEndpoint(), "--skip-consent", "--scope", "read,write",
            "--redirect-uri", "https://pay.example.com/api/auth/callback/blink", "--format", "json"]);

        Assert.True(run.Exit == 0, run.ToString());
        var stored = await StoredAsync(id);
        Assert.True(stored["skip_consent"]!.GetValue<bool>());
        Assert.Equal("read write", stored["scope"]!.GetValue<string>());
        Assert.Equal(["https://pay.example.com/api/auth/callback/blink"], Strings(stored["redirect_uris"]));
        Assert.Equal("pos", stored["client_name"]!.GetValue<string>());
        Assert.Equal(["authorization_code", "refresh_token"], Strings(stored["grant_types"]));
        Assert.Null(run.Json["client_secret"]);

        // Switches left out are not reset: only --name changes here.
        var renamed = await RunAsync(["update", "client", id, .. server.AdminEndpoint(), "--name", "point-of-sale"]);
        Assert.True(renamed.Exit == 0, renamed.ToString());
        stored = await StoredAsync(id);
        Assert.Equal("point-of-sale", stored["client_name"]!.GetValue<string>());
        Assert.True(stored["skip_consent"]!.GetValue<bool>());
        Assert.Equal("read write", stored["scope"]!.GetValue<string>());

        var nothing = await RunAsync(["update", "client", id, .. server.AdminEndpoint()]);
        Assert.Equal(1, nothing.Exit);
        Assert.Contains("nothing to update", nothing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAndUpdateClient_PushedRequestsSigningAlgAndDeviceLifespans_SetTheirFields()
    {
        var created = await server.CliCreateClientAsync("--grant-type", "urn:ietf:params:oauth:grant-type:device_code,refresh_token",
            "--scope", "openid,offline,read", "--require-pushed-authorization-requests", "--dpop-bound-access-tokens", "--token-endpoint-auth-signing-alg", "ES256",
            "--device-authorization-grant-access-token-lifespan", "90m", "--device-authorization-grant-id-token-lifespan", "1h",
            "--device-authorization-grant-refresh-token-lifespan", "720h");
        var id = created["client_id"]!.GetValue<string>();

        var stored = await StoredAsync(id);
        Assert.True(stored["require_pushed_authorization_requests"]!.GetValue<bool>());
        Assert.True(stored["dpop_bound_access_tokens"]!.GetValue<bool>());
        Assert.Equal("ES256", stored["token_endpoint_auth_signing_alg"]!.GetValue<string>());
        Assert.Equal("1h30m0s", stored["device_authorization_grant_access_token_lifespan"]!.GetValue<string>());
        Assert.Equal("1h0m0s", stored["device_authorization_grant_id_token_lifespan"]!.GetValue<string>());
        Assert.Equal("720h0m0s", stored["device_authorization_grant_refresh_token_lifespan"]!.GetValue<string>());

        var run = await RunAsync(["update", "client", id, .. server.AdminEndpoint(), "--require-pushed-authorization-requests=false", "--dpop-bound-access-tokens=false",
            "--token-endpoint-auth-signing-alg", "RS256", "--device-authorization-grant-access-token-lifespan", "5m"]);
        Assert.True(run.Exit == 0, run.ToString());
        stored = await StoredAsync(id);
        Assert.False(stored["require_pushed_authorization_requests"]?.GetValue<bool>() ?? false);
        Assert.False(stored["dpop_bound_access_tokens"]?.GetValue<bool>() ?? false);
        Assert.Equal("RS256", stored["token_endpoint_auth_signing_alg"]!.GetValue<string>());
        Assert.Equal("5m0s", stored["device_authorization_grant_access_token_lifespan"]!.GetValue<string>());
        Assert.Equal("1h0m0s", stored["device_authorization_grant_id_token_lifespan"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateClient_WithoutTheNewFlags_LeavesThemUnset()
    {
        var created = await server.CliCreateClientAsync("--grant-type", "client_credentials", "--scope", "read");
        var stored = await StoredAsync(created["client_id"]!.GetValue<string>());

        Assert.False(stored["require_pushed_authorization_requests"]?.GetValue<bool>() ?? false);
        Assert.Null(stored["device_authorization_grant_access_token_lifespan"]);
    }

    [Fact]
    public async Task CreateClient_BadDeviceLifespan_IsRefusedNamingTheField()
    {
        var run = await RunAsync(["create", "client", .. server.AdminEndpoint(), "--grant-type", "client_credentials",
            "--device-authorization-grant-access-token-lifespan", "soon"]);

        Assert.NotEqual(0, run.Exit);
        Assert.Contains("device_authorization_grant_access_token_lifespan", run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateClient_WithSecret_RotatesItAndShowsItOnce()
    {
        var id = (await server.CliCreateClientAsync("--grant-type", "client_credentials", "--scope", "read"))["client_id"]!.GetValue<string>();

        var run = await RunAsync(["update", "client", id, .. server.AdminEndpoint(), "--secret", "anotherlongsecret", "--format", "json"]);

        Assert.Equal("anotherlongsecret", run.Json["client_secret"]!.GetValue<string>());
        using var token = await server.TokenAsync(id, "anotherlongsecret", new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task DeleteClient_DeletesEachOne_AndExitsNonZeroForAnUnknownOne()
    {
        var first = (await server.CliCreateClientAsync())["client_id"]!.GetValue<string>();
        var second = (await server.CliCreateClientAsync())["client_id"]!.GetValue<string>();

        var run = await RunAsync(["delete", "client", first, "no-such-client", second, .. server.AdminEndpoint()]);

        Assert.Equal(1, run.Exit);
        Assert.Equal([first, second], run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/admin/clients/no-such-client answered 404", run.Error, StringComparison.Ordinal);
        Assert.Contains("Unable to locate the resource", run.Error, StringComparison.Ordinal);
        foreach (var id in (string[])[first, second])
        {
            using var response = await server.Admin.GetAsync($"/admin/clients/{id}", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task ServerError_IsPrintedFieldByField_AndExitsNonZero()
    {
        var run = await RunAsync(["create", "client", .. server.AdminEndpoint(), "--token-endpoint-auth-method", "bogus", "--format", "json"]);

        Assert.Equal(1, run.Exit);
        Assert.Equal("", run.Output);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"glint: POST http://127.0.0.1:{server.AdminPort}/admin/clients answered 400 Bad Request", lines[0]);
        Assert.Matches(@"^  error:\s+invalid_client_metadata$", lines[1]);
        Assert.Matches(@"^  error_description:\s+The value of one of the Client Metadata fields is invalid.*'bogus'\.$", lines[2]);
    }

    [Fact]
    public async Task UnreachableEndpoint_SaysWhichEndpointWasTried()
    {
        var endpoint = $"http://127.0.0.1:{FreePort()}";

        var run = await RunAsync("list", "clients", "--endpoint", endpoint);

        Assert.Equal(1, run.Exit);
        Assert.StartsWith($"glint: could not connect to {endpoint}/", run.Error, StringComparison.Ordinal);
        Assert.Contains("GLINT_ADMIN_URL", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_OfEveryCommand_HasAnExample()
    {
        foreach (var command in (string[][])[["create", "client"], ["get", "client"], ["list", "clients"], ["update", "client"], ["delete", "client"],
                     ["apply", "clients"], ["perform", "client-credentials"], ["perform", "authorization-code"], ["perform", "device-code"], ["introspect", "token"], ["revoke", "token"]])
        {
            var run = await RunAsync([.. command, "--help"]);
            Assert.True(run.Exit == 0, run.ToString());
            Assert.Contains("Example:", run.Output, StringComparison.Ordinal);
            Assert.Contains($"glint {string.Join(' ', command)}", run.Output, StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteClientCommandsTests(SqliteServerFixture server) : ClientCommandsTests<SqliteServerFixture>(server);

public sealed class PostgresClientCommandsTests(PostgresServerFixture server) : ClientCommandsTests<PostgresServerFixture>(server);
