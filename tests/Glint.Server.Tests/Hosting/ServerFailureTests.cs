using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// A request that fails unexpectedly is answered in its protocol's own error format, with nothing of the failure in
/// it. The failure is real: the OAuth tables (or the accounts table) are dropped or renamed behind the server's back,
/// so every request that reads them throws from the database up to the server's exception handler. Each test class has a server of its own, which no
/// other class sees broken.
/// </summary>
public abstract class ServerFailureTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static readonly string[] OAuthTables = ["oauth2_tokens", "oauth2_authorizations", "oauth2_clients"];

    private async Task BreakOAuthTablesAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var cascade = server.Dsn.StartsWith("sqlite:", StringComparison.Ordinal) ? "" : " CASCADE";
        foreach (var table in OAuthTables)
        {
            // Children first: SQLite checks its foreign keys as a dropped table's rows go.
            var drop = $"DROP TABLE IF EXISTS \"{table}\"{cascade}";
            await db.Database.ExecuteSqlRawAsync(drop, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<JsonObject> ServerErrorAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"{what}: {(int)response.StatusCode} {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        foreach (var leak in (string[])["Exception", "oauth2_", "table", "relation", " at "])
        {
            Assert.DoesNotContain(leak, text, StringComparison.OrdinalIgnoreCase);
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task OAuthEndpoints_AnswerServerError()
    {
        await BreakOAuthTablesAsync();

        using var userinfo = await server.Public.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "/userinfo") { Headers = { { "Authorization", "Bearer glint_at_" + Guid.NewGuid().ToString("N") } } },
            TestContext.Current.CancellationToken);
        using var token = await server.TokenAsync("no-such-client-" + Guid.NewGuid().ToString("N"), "secret-of-enough-length",
            new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        using var introspection = await server.Admin.PostAsync("/admin/oauth2/introspect",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "glint_at_" + Guid.NewGuid().ToString("N") }), TestContext.Current.CancellationToken);

        foreach (var (response, what) in new[] { (userinfo, "userinfo"), (token, "token"), (introspection, "introspection") })
        {
            var body = await ServerErrorAsync(response, what);
            Assert.Equal("server_error", body["error"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(body["error_description"]!.GetValue<string>()));
            Assert.True(response.Headers.CacheControl?.NoStore, $"{what}: an OAuth answer is never cached (RFC 6749 §5.1)");
        }
    }

    [Fact]
    public async Task GraphQL_AnswersAGraphQLError()
    {
        await BreakOAuthTablesAsync();

        using var response = await server.PostGraphQLWithAsync("Oauth2-Token", "glint_at_" + Guid.NewGuid().ToString("N"), "query { me { id } }");

        var body = await ServerErrorAsync(response, "graphql");
        var error = Assert.Single(body["errors"]!.AsArray())!;
        Assert.Equal("INTERNAL_SERVER_ERROR", error["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Null(body["error"]);
    }

    [Fact]
    public async Task LightningAddressEndpoints_AnswerLnurlsError()
    {
        // The accounts table out of the way: both endpoints look the user up there first.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Database
                .ExecuteSqlRawAsync("ALTER TABLE \"accounts\" RENAME TO \"accounts_away\"", TestContext.Current.CancellationToken);
        }

        using var payRequest = await server.Public.GetAsync("/.well-known/lnurlp/alice", TestContext.Current.CancellationToken);
        using var callback = await server.Public.GetAsync("/lnurlp/alice/callback?amount=1000", TestContext.Current.CancellationToken);

        foreach (var (response, what) in new[] { (payRequest, "pay request"), (callback, "callback") })
        {
            var body = await ServerErrorAsync(response, what);
            Assert.Equal(["reason", "status"], body.Select(pair => pair.Key).Order(StringComparer.Ordinal));
            Assert.Equal("ERROR", body["status"]!.GetValue<string>());
            Assert.DoesNotContain("accounts", body["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AdminApi_AnswersHydrasError()
    {
        await BreakOAuthTablesAsync();

        using var response = await server.Admin.GetAsync("/admin/clients", TestContext.Current.CancellationToken);

        var body = await ServerErrorAsync(response, "admin clients");
        Assert.Equal("""{"error":"An internal server error occurred, please contact the system administrator","error_description":""}""", body.ToJsonString());
    }
}

public sealed class SqliteServerFailureTests(SqliteServerFixture server) : ServerFailureTests<SqliteServerFixture>(server);

public sealed class PostgresServerFailureTests(PostgresServerFixture server) : ServerFailureTests<PostgresServerFixture>(server);
