using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Server.Hosting;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Clients.ClientAdmin;

namespace Glint.Server.Tests.Developers;

/// <summary>Dynamic registration turned on, with review (the default) and a generous per-address limit.</summary>
public abstract class RegistrationServerFixture : DeveloperServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        [ConfigurationKeys.DynamicRegistrationEnabled] = "true",
        [ConfigurationKeys.DynamicRegistrationsPerIp] = "1000",
    };
}

public sealed class SqliteRegistrationServerFixture : RegistrationServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Sqlite)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

public sealed class PostgresRegistrationServerFixture : RegistrationServerFixture
{
    private TestDatabase? _database;

    protected override async Task<string> CreateDatabaseAsync() => (_database = await TestDatabase.CreateAsync(Glint.Data.DatabaseKind.Postgres)).Dsn;

    protected override async Task DropDatabaseAsync() => await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
}

/// <summary>Calls to <c>/oauth2/register</c>.</summary>
public static class RegistrationCalls
{
    public const string Callback = "https://app.example.com/callback";

    public static object Registration(string scope = "read receive", string[]? redirectUris = null) => new
    {
        client_name = "Tip jar",
        redirect_uris = redirectUris ?? [Callback],
        grant_types = new[] { "authorization_code", "refresh_token" },
        scope,
        contacts = new[] { "dev@example.com" },
    };

    public static Task<(HttpStatusCode Status, JsonNode? Body)> RegisterAsync(this GlintServerFixture server, object registration) =>
        SendAsync(server, HttpMethod.Post, "/oauth2/register", null, System.Text.Json.JsonSerializer.Serialize(registration));

    public static Task<(HttpStatusCode Status, JsonNode? Body)> RegisterRawAsync(this GlintServerFixture server, string json) =>
        SendAsync(server, HttpMethod.Post, "/oauth2/register", null, json);

    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(GlintServerFixture server, HttpMethod method, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await server.Public.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}

public abstract class DynamicRegistrationTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : RegistrationServerFixture
{
    [Fact]
    public async Task A_registered_client_is_pending_and_gets_no_tokens_until_the_operator_approves_it()
    {
        var (status, client) = await server.RegisterAsync(RegistrationCalls.Registration());

        Assert.Equal(HttpStatusCode.Created, status);
        var clientId = client!["client_id"]!.GetValue<string>();
        var secret = client["client_secret"]!.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(client["registration_access_token"]?.GetValue<string>()));
        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/register/{clientId}", client["registration_client_uri"]!.GetValue<string>());
        Assert.Null(client["metadata"]);
        Assert.Equal("read receive", client["scope"]!.GetValue<string>());

        var app = await PendingAppAsync(clientId);
        Assert.Equal("Tip jar", app["name"]!.GetValue<string>());
        Assert.Equal("dev@example.com", app["contact_email"]!.GetValue<string>());
        Assert.Equal(RegistrationCalls.Callback, app["redirect_uris"]![0]!.GetValue<string>());
        Assert.Equal("invalid_client", await Developer.TokenErrorAsync(server, clientId, secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await Developer.RevokeWithAsync(server, clientId, secret));

        var (approved, decided) = await server.DecideAsync(app["id"]!.GetValue<string>(), "approve", new { scope = "read" });

        Assert.Equal(HttpStatusCode.OK, approved);
        Assert.Equal("approved", decided!["status"]!.GetValue<string>());
        Assert.Equal("read", decided["scope"]!.GetValue<string>());
        var token = await server.IssueAccessTokenAsync(clientId, secret, Guid.NewGuid().ToString("D"));
        Assert.True(await server.IsActiveAsync(token));
        var (_, history) = await server.GetJsonAsync($"/admin/apps/{app["id"]}/history");
        Assert.Equal(["registered", "approved"], history!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Equal("registrant", history[0]!["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_registration_access_token_reads_updates_and_deletes_its_own_client_only()
    {
        var (_, mine) = await server.RegisterAsync(RegistrationCalls.Registration());
        var (_, other) = await server.RegisterAsync(RegistrationCalls.Registration());
        var clientId = mine!["client_id"]!.GetValue<string>();
        var token = mine["registration_access_token"]!.GetValue<string>();
        var otherToken = other!["registration_access_token"]!.GetValue<string>();
        var path = $"/oauth2/register/{clientId}";

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
        {
            foreach (var wrong in new[] { null, otherToken, token + "x" })
            {
                var (refused, error) = await RegistrationCalls.SendAsync(server, method, path, wrong, method == HttpMethod.Put ? "{}" : null);
                Assert.Equal(HttpStatusCode.Unauthorized, refused);
                Assert.Equal("The request could not be authorized", error!["error"]!.GetValue<string>());
            }
        }

        var (unknown, _) = await RegistrationCalls.SendAsync(server, HttpMethod.Get, "/oauth2/register/no-such-client", token);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown);

        var (read, readBody) = await RegistrationCalls.SendAsync(server, HttpMethod.Get, path, token);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal(clientId, readBody!["client_id"]!.GetValue<string>());
        Assert.Null(readBody["client_secret"]);
        Assert.Null(readBody["registration_access_token"]);
        Assert.Null(readBody["metadata"]);

        var update = RegistrationCalls.Registration("read", [RegistrationCalls.Callback, "http://127.0.0.1:8080/cb"]);
        var (secretSet, secretBody) = await RegistrationCalls.SendAsync(server, HttpMethod.Put, path, token, """{"client_secret":"mine-mine-mine"}""");
        Assert.Equal(HttpStatusCode.Forbidden, secretSet);
        Assert.Contains("Client secret", secretBody!["error_description"]!.GetValue<string>(), StringComparison.Ordinal);

        var (updated, updatedBody) = await RegistrationCalls.SendAsync(server, HttpMethod.Put, path, token, System.Text.Json.JsonSerializer.Serialize(update));
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("read", updatedBody!["scope"]!.GetValue<string>());
        Assert.Equal(2, updatedBody["redirect_uris"]!.AsArray().Count);
        var rotated = updatedBody["registration_access_token"]!.GetValue<string>();
        Assert.NotEqual(token, rotated);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RegistrationCalls.SendAsync(server, HttpMethod.Get, path, token)).Status);
        var app = await PendingAppAsync(clientId);
        Assert.Equal("read", app["scope"]!.GetValue<string>());

        var (deleted, _) = await RegistrationCalls.SendAsync(server, HttpMethod.Delete, path, rotated);
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RegistrationCalls.SendAsync(server, HttpMethod.Get, path, rotated)).Status);
        var (_, clientGone) = await server.GetJsonAsync($"/admin/apps/{app["id"]}");
        Assert.Equal("Unable to locate the resource", clientGone!["error"]!.GetValue<string>());
        var (_, history) = await server.GetJsonAsync($"/admin/apps/{app["id"]}/history");
        Assert.Equal(["registered", "edited", "deleted"], history!.AsArray().Select(entry => entry!["action"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await RegistrationCalls.SendAsync(server, HttpMethod.Get, $"/oauth2/register/{other["client_id"]}", otherToken)).Status);
    }

    [Fact]
    public async Task Once_approved_added_callback_urls_wait_for_review_while_the_approved_ones_keep_working()
    {
        var (_, client) = await server.RegisterAsync(RegistrationCalls.Registration());
        var clientId = client!["client_id"]!.GetValue<string>();
        var secret = client["client_secret"]!.GetValue<string>();
        var app = await PendingAppAsync(clientId);
        var id = app["id"]!.GetValue<string>();
        await server.DecideAsync(id, "approve");

        var widened = RegistrationCalls.Registration("read receive write", [RegistrationCalls.Callback, "https://app.example.com/other"]);
        var (status, updated) = await RegistrationCalls.SendAsync(server, HttpMethod.Put, $"/oauth2/register/{clientId}",
            client["registration_access_token"]!.GetValue<string>(), System.Text.Json.JsonSerializer.Serialize(widened));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("read receive", updated!["scope"]!.GetValue<string>());
        Assert.Single(updated["redirect_uris"]!.AsArray());
        var (_, pending) = await server.GetJsonAsync("/admin/apps?status=pending");
        var queued = pending!.AsArray().Single(entry => entry!["id"]!.GetValue<string>() == id)!;
        Assert.Equal("read receive write", queued["pending_changes"]!["scope"]!.GetValue<string>());
        Assert.True(await server.IsActiveAsync(await server.IssueAccessTokenAsync(clientId, secret, Guid.NewGuid().ToString("D"))));

        var (approved, _) = await server.DecideAsync(id, "approve");
        Assert.Equal(HttpStatusCode.OK, approved);
        var (_, stored) = await server.GetJsonAsync($"/admin/clients/{clientId}");
        Assert.Equal("read receive write", stored!["scope"]!.GetValue<string>());
        Assert.Equal(2, stored["redirect_uris"]!.AsArray().Count);
        Assert.Equal("Tip jar", stored["client_name"]!.GetValue<string>());
        Assert.Equal(["authorization_code", "refresh_token"], stored["grant_types"]!.AsArray().Select(grant => grant!.GetValue<string>()));
    }

    [Fact]
    public async Task A_rejected_registration_cannot_be_updated_and_its_client_never_gets_tokens()
    {
        var (_, client) = await server.RegisterAsync(RegistrationCalls.Registration());
        var clientId = client!["client_id"]!.GetValue<string>();
        var token = client["registration_access_token"]!.GetValue<string>();
        var id = (await PendingAppAsync(clientId))["id"]!.GetValue<string>();

        var (changes, _) = await server.DecideAsync(id, "request-changes", new { message = "Name your company." });
        Assert.Equal(HttpStatusCode.OK, changes);
        var (resubmitted, body) = await RegistrationCalls.SendAsync(server, HttpMethod.Put, $"/oauth2/register/{clientId}", token,
            System.Text.Json.JsonSerializer.Serialize(RegistrationCalls.Registration()));
        Assert.Equal(HttpStatusCode.OK, resubmitted);
        token = body!["registration_access_token"]!.GetValue<string>();
        Assert.Equal("pending", (await server.GetJsonAsync($"/admin/apps/{id}")).Body!["status"]!.GetValue<string>());

        var (rejected, _) = await server.DecideAsync(id, "reject", new { reason = "Not a real company." });
        Assert.Equal(HttpStatusCode.OK, rejected);
        var (refused, error) = await RegistrationCalls.SendAsync(server, HttpMethod.Put, $"/oauth2/register/{clientId}", token,
            System.Text.Json.JsonSerializer.Serialize(RegistrationCalls.Registration()));
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("Not a real company.", error!["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("invalid_client", await Developer.TokenErrorAsync(server, clientId, client["client_secret"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("""{"redirect_uris":["http://app.example.com/cb"]}""", "invalid_redirect_uri", "must use https")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb#top"]}""", "invalid_redirect_uri", "fragment")]
    [InlineData("""{"redirect_uris":[]}""", "invalid_redirect_uri", "redirect_uris")]
    [InlineData("""{"redirect_uris":[null]}""", "invalid_redirect_uri", "not null")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb",null]}""", "invalid_redirect_uri", "not null")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"scope":"read admin"}""", "invalid_client_metadata", "'admin' is not a scope")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"logo_uri":"http://app.example.com/logo.png"}""", "invalid_client_metadata", "logo_uri")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"metadata":{"a":1}}""", "invalid_client_metadata", "'metadata' cannot be set")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"skip_consent":true}""", "invalid_request", "'skip_consent' cannot be set")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"refresh_token_grant_refresh_token_lifespan":"-1ns"}""", "invalid_client_metadata", "lifespan")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"client_secret":"my-own-secret"}""", "The request was malformed or contained invalid parameters", "choose your own OAuth2 Client secret")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"client_id":"mine"}""", "The request was malformed or contained invalid parameters", "Client ID")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb"],"access_token_strategy":"jwt"}""", "The request was malformed or contained invalid parameters", "access token strategy")]
    [InlineData("""{"redirect_uris":"https://app.example.com/cb"}""", "The request was malformed or contained invalid parameters", "redirect_uris")]
    [InlineData("""{"redirect_uris":[""", "The request was malformed or contained invalid parameters", "")]
    public async Task Bad_metadata_is_refused_in_rfc_7591s_json_naming_the_field(string json, string error, string names)
    {
        var (status, body) = await server.RegisterRawAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, body!["error"]!.GetValue<string>());
        Assert.Contains(names, body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, body.AsObject().Count);
    }

    [Fact]
    public async Task An_update_with_a_null_callback_url_is_refused_and_the_registration_kept()
    {
        var (_, client) = await server.RegisterAsync(RegistrationCalls.Registration());
        var path = $"/oauth2/register/{client!["client_id"]!.GetValue<string>()}";
        var token = client["registration_access_token"]!.GetValue<string>();

        var (status, body) = await RegistrationCalls.SendAsync(server, HttpMethod.Put, path, token,
            """{"client_name":"Tip jar","redirect_uris":[null]}""");
        var (read, kept) = await RegistrationCalls.SendAsync(server, HttpMethod.Get, path, token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_redirect_uri", body!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal(RegistrationCalls.Callback, kept!["redirect_uris"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task An_oversized_registration_is_refused_before_it_is_read()
    {
        var json = """{"client_name":"big","redirect_uris":["https://app.example.com/cb"],"contacts":[""" +
            string.Join(',', Enumerable.Repeat("\"dev@example.com\"", 10_000)) + "]}";

        var (status, _) = await server.RegisterRawAsync(json);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task A_refused_registration_call_carries_the_bearer_challenge()
    {
        var (_, mine) = await server.RegisterAsync(RegistrationCalls.Registration());
        var path = $"/oauth2/register/{mine!["client_id"]!.GetValue<string>()}";

        using var bare = await server.Public.GetAsync(path);
        using var wrongRequest = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "wrong") } };
        using var wrong = await server.Public.SendAsync(wrongRequest);

        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Equal("Bearer", bare.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", wrong.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_registrant_cannot_name_the_clients_owner_on_registration_or_update()
    {
        var (_, client) = await server.RegisterRawAsync("""{"client_name":"Tip jar","redirect_uris":["https://app.example.com/callback"],"owner":"someone-else"}""");
        var clientId = client!["client_id"]!.GetValue<string>();
        var (updated, _) = await RegistrationCalls.SendAsync(server, HttpMethod.Put, $"/oauth2/register/{clientId}", client["registration_access_token"]!.GetValue<string>(),
            """{"client_name":"Tip jar","redirect_uris":["https://app.example.com/callback"],"owner":"someone-else"}""");

        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("", (await server.GetClientAsync(clientId))["owner"]!.GetValue<string>());
        await PendingAppAsync(clientId);
    }

    [Fact]
    public async Task Discovery_announces_the_registration_endpoint()
    {
        using var response = await server.Public.GetAsync("/.well-known/openid-configuration");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal($"http://127.0.0.1:{server.PublicPort}/oauth2/register", document["registration_endpoint"]!.GetValue<string>());
    }

    private async Task<JsonNode> PendingAppAsync(string clientId)
    {
        var (_, apps) = await server.GetJsonAsync("/admin/apps");
        var app = apps!.AsArray().Single(entry => entry!["client_id"]?.GetValue<string>() == clientId)!;
        Assert.Equal("", app["owner"]!.GetValue<string>());
        return app;
    }
}

public sealed class SqliteDynamicRegistrationTests(SqliteRegistrationServerFixture server) : DynamicRegistrationTests<SqliteRegistrationServerFixture>(server);

public sealed class PostgresDynamicRegistrationTests(PostgresRegistrationServerFixture server) : DynamicRegistrationTests<PostgresRegistrationServerFixture>(server);
