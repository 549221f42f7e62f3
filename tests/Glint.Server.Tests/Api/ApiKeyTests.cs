using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Glint.Server.Tests.Api.ApiCalls;

namespace Glint.Server.Tests.Api;

/// <summary>
/// API keys (<c>X-API-KEY</c>): Blink's API-key behaviours (its api-keys.bats), plus Glint's deliberate differences:
/// revoking needs write, and a revoked, expired or unknown key is a 401, never an anonymous call.
/// </summary>
public abstract class ApiKeyTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Scopes = "query { authorization { scopes } }";
    private const string ListKeys = "query { me { apiKeys { id name revoked expired readOnly scopes lastUsedAt } } }";
    private const string SetDisplayCurrency = """mutation { accountUpdateDisplayCurrency(input: {currency: "EUR"}) { errors { message } } }""";

    private async Task<(string Id, string Secret, JsonObject Key)> CreateKeyAsync(string token, string scopes = "", string? name = null)
    {
        var input = $"name: \"{name ?? "key-" + Guid.NewGuid().ToString("N")[..8]}\"" + (scopes.Length > 0 ? $", scopes: [{scopes}]" : "");
        var data = await server.DataAsync(token, $"mutation {{ apiKeyCreate(input: {{{input}}}) {{ apiKeySecret apiKey {{ id name readOnly scopes revoked expired }} }} }}");
        var created = data["apiKeyCreate"]!.AsObject();
        return (created["apiKey"]!["id"].Str(), created["apiKeySecret"].Str(), created["apiKey"]!.AsObject());
    }

    private static string[] ScopesOf(JsonObject data) => [.. data["authorization"]!["scopes"]!.AsArray().Select(scope => scope!.GetValue<string>())];

    [Fact]
    public async Task A_new_key_is_listed_is_not_read_only_and_its_secret_has_the_prefix_and_64_alphanumerics()
    {
        var user = await server.NewUserAsync(grant: ["read", "write", "receive"]);
        var before = (await server.DataAsync(user.Token, ListKeys))["me"]!["apiKeys"]!.AsArray().Count;

        var (_, secret, key) = await CreateKeyAsync(user.Token, name: "my script");

        Assert.Matches("^glint_[A-Za-z0-9]{64}$", secret);
        Assert.Equal("my script", key["name"].Str());
        Assert.False(key["readOnly"]!.GetValue<bool>());
        Assert.Equal(before + 1, (await server.DataAsync(user.Token, ListKeys))["me"]!["apiKeys"]!.AsArray().Count);
        Assert.Equal(["READ", "WRITE", "RECEIVE"], ScopesOf(await server.DataAsync(user.Token, Scopes)));
    }

    [Fact]
    public async Task A_default_key_reads_and_writes_but_does_not_receive_and_lists_its_own_keys_newest_last()
    {
        var user = await server.NewUserAsync();
        var (_, secret, key) = await CreateKeyAsync(user.Token);

        var keys = (await server.ApiKeyGraphQLAsync(secret, ListKeys))["data"]!["me"]!["apiKeys"]!.AsArray();

        Assert.Equal(key["name"].Str(), keys[^1]!["name"].Str());
        Assert.Equal(["READ", "WRITE"], ScopesOf((await server.ApiKeyGraphQLAsync(secret, Scopes))["data"]!.AsObject()));
    }

    [Fact]
    public async Task A_revoked_key_is_marked_revoked_and_gets_401_on_its_next_use()
    {
        var user = await server.NewUserAsync();
        var (id, secret, _) = await CreateKeyAsync(user.Token);
        Assert.Null((await server.ApiKeyGraphQLAsync(secret, "query { me { id } }"))["errors"]);

        var revoked = await server.DataAsync(user.Token, $"mutation {{ apiKeyRevoke(input: {{id: \"{id}\"}}) {{ apiKey {{ id revoked }} }} }}");

        Assert.True(revoked["apiKeyRevoke"]!["apiKey"]!["revoked"]!.GetValue<bool>());
        Assert.Contains((await server.DataAsync(user.Token, ListKeys))["me"]!["apiKeys"]!.AsArray(), listed => listed!["id"].Str() == id && listed["revoked"]!.GetValue<bool>());
        await AssertUnauthorizedAsync(secret);
    }

    [Fact]
    public async Task A_read_only_key_reads_lists_keys_and_can_neither_create_keys_nor_mutate()
    {
        var user = await server.NewUserAsync();
        var (_, secret, key) = await CreateKeyAsync(user.Token, "READ");

        Assert.True(key["readOnly"]!.GetValue<bool>());
        Assert.Equal(["READ"], ScopesOf((await server.ApiKeyGraphQLAsync(secret, Scopes))["data"]!.AsObject()));
        Assert.Null((await server.ApiKeyGraphQLAsync(secret, ListKeys))["errors"]);
        SingleError(await server.ApiKeyGraphQLAsync(secret, """mutation { apiKeyCreate(input: {name: "nope"}) { apiKeySecret } }"""));
        SingleError(await server.ApiKeyGraphQLAsync(secret, SetDisplayCurrency));
        Assert.Null((await server.GraphQLAsync(user.Token, SetDisplayCurrency))["errors"]);
    }

    [Fact]
    public async Task A_receive_key_can_neither_read_nor_mutate_nor_create_keys()
    {
        var user = await server.NewUserAsync();
        var (_, secret, key) = await CreateKeyAsync(user.Token, "RECEIVE");

        Assert.False(key["readOnly"]!.GetValue<bool>());
        SingleError(await server.ApiKeyGraphQLAsync(secret, """mutation { apiKeyCreate(input: {name: "nope"}) { apiKeySecret } }"""));
        SingleError(await server.ApiKeyGraphQLAsync(secret, SetDisplayCurrency));
        SingleError(await server.ApiKeyGraphQLAsync(secret, ListKeys));
    }

    [Fact]
    public async Task A_receive_key_creates_invoices_on_its_owners_wallet()
    {
        var user = await server.NewUserAsync();
        var (_, secret, _) = await CreateKeyAsync(user.Token, "RECEIVE");

        var body = await server.ApiKeyGraphQLAsync(secret, $$"""mutation { lnInvoiceCreate(input: {walletId: "{{user.BtcWalletId}}", amount: 2100}) { errors { message } invoice { paymentRequest } } }""");

        Assert.Null(body["errors"]);
        Assert.Empty(body["data"]!["lnInvoiceCreate"]!["errors"]!.AsArray());
        Assert.StartsWith("lnbcrt21u", body["data"]!["lnInvoiceCreate"]!["invoice"]!["paymentRequest"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_and_receive_key_reads_and_has_no_write()
    {
        var user = await server.NewUserAsync();
        var (_, secret, key) = await CreateKeyAsync(user.Token, "READ, RECEIVE");

        Assert.False(key["readOnly"]!.GetValue<bool>());
        Assert.Null((await server.ApiKeyGraphQLAsync(secret, ListKeys))["errors"]);
        Assert.Equal(["READ", "RECEIVE"], ScopesOf((await server.ApiKeyGraphQLAsync(secret, Scopes))["data"]!.AsObject()));
    }

    [Fact]
    public async Task A_read_and_write_key_has_no_receive()
    {
        var user = await server.NewUserAsync();
        var (_, secret, _) = await CreateKeyAsync(user.Token, "WRITE, READ");

        Assert.Equal(["READ", "WRITE"], ScopesOf((await server.ApiKeyGraphQLAsync(secret, Scopes))["data"]!.AsObject()));
    }

    [Fact]
    public async Task A_key_cannot_be_created_without_scopes()
    {
        var user = await server.NewUserAsync();

        var error = SingleError(await server.GraphQLAsync(user.Token, """mutation { apiKeyCreate(input: {name: "none", scopes: []}) { apiKeySecret } }"""));

        Assert.Equal("scopes can not be empty", error["message"].Str());
    }

    [Fact]
    public async Task Revoking_needs_write_and_only_reaches_the_callers_own_keys()
    {
        var user = await server.NewUserAsync();
        var other = await server.NewUserAsync();
        var (id, _, _) = await CreateKeyAsync(user.Token);
        var (_, readOnly, _) = await CreateKeyAsync(user.Token, "READ");
        var revoke = $"mutation {{ apiKeyRevoke(input: {{id: \"{id}\"}}) {{ apiKey {{ revoked }} }} }}";

        SingleError(await server.ApiKeyGraphQLAsync(readOnly, revoke));
        Assert.Equal("IdentityError - KeyNotFoundForRevoke", SingleError(await server.GraphQLAsync(other.Token, revoke))["message"].Str());
        Assert.True((await server.DataAsync(user.Token, revoke))["apiKeyRevoke"]!["apiKey"]!["revoked"]!.GetValue<bool>());
        Assert.True((await server.DataAsync(user.Token, revoke))["apiKeyRevoke"]!["apiKey"]!["revoked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Expired_unknown_and_malformed_keys_get_401()
    {
        var user = await server.NewUserAsync();
        var (id, secret, _) = await CreateKeyAsync(user.Token);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            await db.ApiKeys.Where(key => key.Id == Guid.Parse(id)).ExecuteUpdateAsync(set => set.SetProperty(key => key.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        await AssertUnauthorizedAsync(secret);
        await AssertUnauthorizedAsync("glint_" + new string('a', 64));
        await AssertUnauthorizedAsync("not-a-key");
        Assert.True((await server.DataAsync(user.Token, ListKeys))["me"]!["apiKeys"]!.AsArray().Single(key => key!["id"].Str() == id)!["expired"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_key_is_stored_only_as_its_hash_and_its_use_is_recorded()
    {
        var user = await server.NewUserAsync();
        var (id, secret, _) = await CreateKeyAsync(user.Token, name: "hash-check");
        await server.ApiKeyGraphQLAsync(secret, "query { me { id } }");

        await using var scope = server.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().ApiKeys.AsNoTracking().SingleAsync(key => key.Id == Guid.Parse(id));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)), row.KeyHash);
        Assert.DoesNotContain(secret[6..], row.Name + row.Scopes, StringComparison.Ordinal);
        Assert.NotNull(row.LastUsedAt);
    }

    private async Task AssertUnauthorizedAsync(string apiKey)
    {
        using var response = await server.PostGraphQLWithAsync("X-API-KEY", apiKey, "query { me { id } }");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<int>());
    }
}

public sealed class SqliteApiKeyTests(SqliteServerFixture server) : ApiKeyTests<SqliteServerFixture>(server);

public sealed class PostgresApiKeyTests(PostgresServerFixture server) : ApiKeyTests<PostgresServerFixture>(server);
