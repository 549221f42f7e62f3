using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Cli.GlintCli;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Cli;

/// <summary><c>glint apply clients</c>: the plan, idempotency, updates, pruning and secrets, against a running Glint.</summary>
public abstract partial class ApplyClientsTests<TServer>(TServer server) : IClassFixture<TServer>, IDisposable where TServer : GlintServerFixture
{
    private readonly string _directory = Directory.CreateTempSubdirectory("glint-apply-").FullName;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private Task<CliRun> ApplyAsync(string file, params string[] flags) => RunAsync(["apply", "clients", "-f", file, .. server.AdminEndpoint(), .. flags]);

    private async Task<List<JsonObject>> ServerClientsAsync()
    {
        using var response = await server.Admin.GetAsync("/admin/clients?page_size=1000", TestContext.Current.CancellationToken);
        return [.. JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray().Select(client => client!.AsObject())];
    }

    private async Task<JsonObject?> NamedAsync(string name) =>
        (await ServerClientsAsync()).SingleOrDefault(client => client["client_name"]!.GetValue<string>() == name);

    private static string Clients(string dashboard, string service, string redirect) => $"""
        clients:
          - client_name: {dashboard}
            grant_types: [authorization_code, refresh_token]
            response_types: [code, id_token]
            scopes: [offline, read, write]
            redirect_uris:
              - {redirect}
            skip_consent: true
          - client_name: {service}
            grant_types: [client_credentials]
            scopes: [read]
        """;

    private static Dictionary<string, string> PrintedSecrets(string output) =>
        SecretLine().Matches(output).ToDictionary(match => match.Groups["id"].Value, match => match.Groups["secret"].Value);

    private async Task<HttpStatusCode> ClientCredentialsAsync(string id, string secret)
    {
        using var response = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        return response.StatusCode;
    }

    [Fact]
    public async Task Apply_Creates_ThenHasNoChanges_ThenUpdatesAField_ThenPrunes()
    {
        var dashboard = Unique("dashboard");
        var service = Unique("service");
        var file = Write("clients.yaml", Clients(dashboard, service, "http://localhost:3001/api/auth/callback/blink"));

        // First run: both clients are created; the generated secrets are printed once, and they work.
        var created = await ApplyAsync(file);
        Assert.True(created.Exit == 0, created.ToString());
        Assert.Contains($"+ create client \"{dashboard}\"", created.Output, StringComparison.Ordinal);
        Assert.Contains("Applied: 2 created, 0 updated, 0 deleted.", created.Output, StringComparison.Ordinal);
        var dashboardClient = (await NamedAsync(dashboard))!;
        var serviceClient = (await NamedAsync(service))!;
        Assert.Equal(["authorization_code", "refresh_token"], Strings(dashboardClient["grant_types"]));
        Assert.Equal(["code", "id_token"], Strings(dashboardClient["response_types"]));
        Assert.Equal("offline read write", dashboardClient["scope"]!.GetValue<string>());
        Assert.True(dashboardClient["skip_consent"]!.GetValue<bool>());
        var secrets = PrintedSecrets(created.Output);
        var serviceId = serviceClient["client_id"]!.GetValue<string>();
        Assert.Equal([dashboardClient["client_id"]!.GetValue<string>(), serviceId], secrets.Keys);
        Assert.Equal(HttpStatusCode.OK, await ClientCredentialsAsync(serviceId, secrets[serviceId]));

        // Second run: nothing to do, and it says so.
        var again = await ApplyAsync(file);
        Assert.True(again.Exit == 0, again.ToString());
        Assert.StartsWith("No changes", again.Output, StringComparison.Ordinal);
        Assert.Empty(PrintedSecrets(again.Output));

        // A changed field: the dry run shows it and changes nothing; the run changes it and keeps the secret.
        File.WriteAllText(file, Clients(dashboard, service, "https://dashboard.example.com/api/auth/callback/blink"));
        var plan = await ApplyAsync(file, "--dry-run");
        Assert.True(plan.Exit == 0, plan.ToString());
        Assert.Contains($"~ update client \"{dashboard}\" ({dashboardClient["client_id"]})", plan.Output, StringComparison.Ordinal);
        Assert.Matches(@"redirect_uris:\s+\[""http://localhost:3001/api/auth/callback/blink""\] -> \[""https://dashboard.example.com/api/auth/callback/blink""\]", plan.Output);
        Assert.DoesNotContain($"\"{service}\"", plan.Output, StringComparison.Ordinal);
        Assert.Contains("Plan: 0 to create, 1 to update, 0 to delete.", plan.Output, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing was changed.", plan.Output, StringComparison.Ordinal);
        Assert.Equal(["http://localhost:3001/api/auth/callback/blink"], Strings((await NamedAsync(dashboard))!["redirect_uris"]));

        var updated = await ApplyAsync(file);
        Assert.Contains("Applied: 0 created, 1 updated, 0 deleted.", updated.Output, StringComparison.Ordinal);
        Assert.Equal(["https://dashboard.example.com/api/auth/callback/blink"], Strings((await NamedAsync(dashboard))!["redirect_uris"]));
        Assert.Equal(dashboardClient["client_id"]!.GetValue<string>(), (await NamedAsync(dashboard))!["client_id"]!.GetValue<string>());
        Assert.StartsWith("No changes", (await ApplyAsync(file)).Output, StringComparison.Ordinal);

        // The service leaves the file: kept without --prune, planned and then deleted with it.
        File.WriteAllText(file, Clients(dashboard, service, "https://dashboard.example.com/api/auth/callback/blink").Split("  - client_name: " + service)[0]);
        var kept = await ApplyAsync(file);
        Assert.StartsWith("No changes", kept.Output, StringComparison.Ordinal);
        Assert.Contains("--prune would delete them", kept.Output, StringComparison.Ordinal);
        Assert.NotNull(await NamedAsync(service));

        var prunePlan = await ApplyAsync(file, "--prune", "--dry-run");
        Assert.Contains($"- delete client \"{service}\" ({serviceId})", prunePlan.Output, StringComparison.Ordinal);
        Assert.NotNull(await NamedAsync(service));

        var pruned = await ApplyAsync(file, "--prune");
        Assert.True(pruned.Exit == 0, pruned.ToString());
        Assert.Equal([dashboard], (await ServerClientsAsync()).Select(client => client["client_name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientCredentialsAsync(serviceId, secrets[serviceId]));
        Assert.StartsWith("No changes", (await ApplyAsync(file, "--prune")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_TheExampleFile_CreatesBlinksClients_WritesSecretsPrivately_AndIsIdempotent()
    {
        var example = Path.Combine(AppContext.BaseDirectory, "Cli", "clients.yaml");
        var secretsFile = Path.Combine(_directory, "secrets.json");
        foreach (var name in (string[])["dashboard", "pos"])
        {
            if (await NamedAsync(name) is { } leftover)
            {
                await server.Admin.DeleteAsync($"/admin/clients/{leftover["client_id"]}", TestContext.Current.CancellationToken);
            }
        }

        var first = await ApplyAsync(example, "--secrets-out", secretsFile);
        var second = await ApplyAsync(example, "--secrets-out", secretsFile);

        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains($"New client secrets written to {secretsFile} (mode 0600).", first.Output, StringComparison.Ordinal);
        Assert.Empty(PrintedSecrets(first.Output));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretsFile));
        }

        var written = JsonNode.Parse(await File.ReadAllTextAsync(secretsFile, TestContext.Current.CancellationToken))!.AsArray();
        var pos = (await NamedAsync("pos"))!;
        var dashboard = (await NamedAsync("dashboard"))!;
        Assert.Equal(["dashboard", "pos"], written.Select(entry => entry!["client_name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(pos["client_id"]!.GetValue<string>(), written.Single(entry => entry!["client_name"]!.GetValue<string>() == "pos")!["client_id"]!.GetValue<string>());
        Assert.Equal(26, written[0]!["client_secret"]!.GetValue<string>().Length);
        Assert.Equal("offline read", pos["scope"]!.GetValue<string>());
        Assert.Equal(["http://localhost:3001/api/auth/callback/blink"], Strings(dashboard["redirect_uris"]));
        Assert.Equal(["http://localhost:3002/api/auth/callback/blink"], Strings(pos["redirect_uris"]));
        Assert.True(second.Exit == 0, second.ToString());
        Assert.StartsWith("No changes", second.Output, StringComparison.Ordinal);
        Assert.Equal(2, JsonNode.Parse(await File.ReadAllTextAsync(secretsFile, TestContext.Current.CancellationToken))!.AsArray().Count);
    }

    [Fact]
    public async Task Apply_JsonFileWithIdsLifespansAndMetadata_HasNoChangesOnTheSecondRun()
    {
        var id = Unique("blink-app");
        var file = Write("clients.json", $$"""
            {"clients": [{
              "client_id": "{{id}}",
              "client_name": "Blink app",
              "grant_types": ["client_credentials"],
              "response_types": ["token"],
              "scopes": ["editor"],
              "token_endpoint_auth_method": "client_secret_post",
              "client_secret": "a-secret-from-the-file",
              "client_credentials_grant_access_token_lifespan": "1h",
              "metadata": {"first_party": "true"},
              "allowed_cors_origins": ["https://blink.sv/"]
            }]}
            """);

        var first = await ApplyAsync(file);
        var second = await ApplyAsync(file);

        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains("client_secret:", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("a-secret-from-the-file", first.Output, StringComparison.Ordinal);
        using var stored = await server.Admin.GetAsync($"/admin/clients/{id}", TestContext.Current.CancellationToken);
        var client = await OkJsonAsync(stored, "get client");
        Assert.Equal("1h0m0s", client["client_credentials_grant_access_token_lifespan"]!.GetValue<string>());
        Assert.Equal("true", client["metadata"]!["first_party"]!.GetValue<string>());
        using var token = await server.TokenAsync(id, "a-secret-from-the-file", new Dictionary<string, string> { ["grant_type"] = "client_credentials" }, basic: false);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.True(second.Exit == 0, second.ToString());
        Assert.StartsWith("No changes", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_PushedRequestsSigningAlgAndDeviceLifespans_AreSet_ThenHaveNoChanges_ThenReset()
    {
        var name = Unique("device-pos");
        var file = Write("device.yaml", $"""
            clients:
              - client_name: {name}
                grant_types: [urn:ietf:params:oauth:grant-type:device_code, refresh_token]
                scopes: [openid, offline, read]
                require_pushed_authorization_requests: true
                dpop_bound_access_tokens: true
                token_endpoint_auth_signing_alg: ES256
                device_authorization_grant_access_token_lifespan: 90m
                device_authorization_grant_id_token_lifespan: 1h
                device_authorization_grant_refresh_token_lifespan: 720h
            """);

        var first = await ApplyAsync(file);
        Assert.True(first.Exit == 0, first.ToString());
        var client = (await NamedAsync(name))!;
        Assert.True(client["require_pushed_authorization_requests"]!.GetValue<bool>());
        Assert.True(client["dpop_bound_access_tokens"]!.GetValue<bool>());
        Assert.Equal("ES256", client["token_endpoint_auth_signing_alg"]!.GetValue<string>());
        Assert.Equal("1h30m0s", client["device_authorization_grant_access_token_lifespan"]!.GetValue<string>());
        Assert.Equal("1h0m0s", client["device_authorization_grant_id_token_lifespan"]!.GetValue<string>());
        Assert.Equal("720h0m0s", client["device_authorization_grant_refresh_token_lifespan"]!.GetValue<string>());
        Assert.StartsWith("No changes", (await ApplyAsync(file)).Output, StringComparison.Ordinal);

        // Left out of the file: back to the defaults.
        Write("device.yaml", $"""
            clients:
              - client_name: {name}
                grant_types: [urn:ietf:params:oauth:grant-type:device_code, refresh_token]
                scopes: [openid, offline, read]
            """);
        var reset = await ApplyAsync(file);
        Assert.True(reset.Exit == 0, reset.ToString());
        client = (await NamedAsync(name))!;
        Assert.False(client["require_pushed_authorization_requests"]?.GetValue<bool>() ?? false);
        Assert.False(client["dpop_bound_access_tokens"]?.GetValue<bool>() ?? false);
        Assert.Equal("", client["token_endpoint_auth_signing_alg"]?.GetValue<string>() ?? "");
        Assert.Null(client["device_authorization_grant_access_token_lifespan"]);
        Assert.StartsWith("No changes", (await ApplyAsync(file)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_FieldLeftOutOfTheFile_IsResetOnTheServer()
    {
        var name = Unique("reset");
        var file = Write("clients.yaml", $"clients:\n  - client_name: {name}\n    skip_consent: true\n    audience: [api]\n");
        await ApplyAsync(file);

        File.WriteAllText(file, $"clients:\n  - client_name: {name}\n");
        var plan = await ApplyAsync(file, "--dry-run");
        await ApplyAsync(file);

        Assert.Matches(@"skip_consent:\s+true -> false", plan.Output);
        Assert.Matches(@"audience:\s+\[""api""\] -> \[\]", plan.Output);
        var client = (await NamedAsync(name))!;
        Assert.False(client["skip_consent"]!.GetValue<bool>());
        Assert.Empty(Strings(client["audience"]));
    }

    [Theory]
    [InlineData("clients:\n  - client_name: x\n    redirect_uri: [http://localhost/cb]\n", "clients.yaml:3:5: 'redirect_uri' is not a client field")]
    [InlineData("clients:\n  - client_name: x\n    grant_types: client_credentials\n", "clients.yaml:3:18: expected a list")]
    [InlineData("clients:\n  - client_name: x\n    skip_consent: maybe\n", "clients.yaml:3:19:")]
    [InlineData("clients:\n  - client_name: x\n  - client_name: x\n", "client_name 'x' is listed twice")]
    [InlineData("clients:\n  - scopes: [read]\n", "needs a client_id or a client_name")]
    [InlineData("apps: []\n", "'apps' is not known here")]
    [InlineData("clients:\n", "has no 'clients' list")]
    [InlineData("clients:\n  - client_name: x\n    metadata_json: '{oops'\n", "metadata_json is not valid JSON")]
    public async Task Apply_BadFile_FailsWithWhereAndWhy_AndChangesNothing(string text, string message)
    {
        var before = (await ServerClientsAsync()).Count;
        var run = await ApplyAsync(Write("clients.yaml", text));

        Assert.Equal(1, run.Exit);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Equal(before, (await ServerClientsAsync()).Count);
    }

    [Fact]
    public async Task Apply_NameMatchingTwoServerClients_AsksForTheId()
    {
        var name = Unique("twice");
        await server.CreateClientAsync(new { client_name = name });
        await server.CreateClientAsync(new { client_name = name });

        var run = await ApplyAsync(Write("clients.yaml", $"clients:\n  - client_name: {name}\n"));

        Assert.Equal(1, run.Exit);
        Assert.Contains($"2 clients on the server are named '{name}'", run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^  .* \((?<id>[^)]+)\): (?<secret>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();
}

public sealed class SqliteApplyClientsTests(SqliteServerFixture server) : ApplyClientsTests<SqliteServerFixture>(server);

public sealed class PostgresApplyClientsTests(PostgresServerFixture server) : ApplyClientsTests<PostgresServerFixture>(server);
