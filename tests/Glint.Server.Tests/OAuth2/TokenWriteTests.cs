using System.Net;
using System.Text.Json.Nodes;
using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// Issued tokens are written once, complete, by the node's group-committing writer: under concurrency every request
/// still gets its own token, stored once, whole, and valid.
/// </summary>
public abstract class TokenWriteTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const int Concurrent = 48;

    private async Task<(string Id, string Secret)> CreateClientAsync(string strategy)
    {
        var client = await server.CreateClientAsync(new Dictionary<string, object?>
        {
            ["grant_types"] = new[] { "client_credentials" },
            ["scope"] = "read write",
            ["access_token_strategy"] = strategy,
        });
        return (client["client_id"]!.GetValue<string>(), client["client_secret"]!.GetValue<string>());
    }

    private async Task<string> TokenAsync((string Id, string Secret) client)
    {
        using var response = await server.TokenAsync(client.Id, client.Secret,
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    [Theory]
    [InlineData("opaque")]
    [InlineData("jwt")]
    public async Task Concurrent_token_requests_each_get_a_distinct_valid_token_stored_once(string strategy)
    {
        var client = await CreateClientAsync(strategy);

        var tokens = await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => TokenAsync(client)));

        Assert.Equal(Concurrent, tokens.Distinct(StringComparer.Ordinal).Count());
        foreach (var token in tokens)
        {
            Assert.True((await server.IntrospectAsync(token))["active"]!.GetValue<bool>(), token);
        }

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var rows = await db.OAuthTokens.AsNoTracking().Where(token => token.Subject == client.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Concurrent, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal("valid", row.Status);
            Assert.Equal(OpenIddict.Abstractions.OpenIddictConstants.TokenTypeIdentifiers.AccessToken, row.Type);
            Assert.NotNull(row.ConcurrencyToken);
            Assert.NotNull(row.CreationDate);
            Assert.NotNull(row.ExpirationDate);
            Assert.Equal(TimeSpan.FromHours(1), row.ExpirationDate!.Value - row.CreationDate!.Value);
            Assert.Null(row.RedemptionDate);
            // An opaque token's entry holds its payload and the hash of its reference; a JWT's holds neither.
            Assert.Equal(strategy == "opaque", row.Payload is not null);
            Assert.Equal(strategy == "opaque", row.ReferenceId is not null);
        });
        Assert.Equal(Concurrent, rows.Select(row => row.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Concurrent_token_requests_each_leave_one_complete_issued_audit_row()
    {
        var client = await CreateClientAsync("opaque");

        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => TokenAsync(client)));

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        // The client's other row is its creation's, by the admin.
        var rows = await db.AuditEvents.AsNoTracking()
            .Where(row => row.ClientId == client.Id && row.Action != Glint.Data.Audit.AuditActions.ClientCreated)
            .ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Concurrent, rows.Count);
        Assert.Equal(Concurrent, rows.Select(row => row.Id).Distinct().Count());
        Assert.All(rows, row =>
        {
            Assert.Equal(Glint.Data.Audit.AuditActions.TokenIssued, row.Action);
            Assert.Equal(Glint.Data.Audit.AuditActors.Client, row.ActorKind);
            Assert.Null(row.Subject);
            Assert.Equal("client_credentials", row.Target);
            Assert.Null(row.Reason);
            Assert.False(string.IsNullOrEmpty(row.RemoteAddress));
            Assert.True(row.At > DateTimeOffset.UnixEpoch);
        });
    }

    [Fact]
    public async Task A_stored_entry_belongs_to_its_client_and_is_found_by_what_was_handed_out()
    {
        var opaque = await CreateClientAsync("opaque");
        var jwt = await CreateClientAsync("jwt");
        var reference = await TokenAsync(opaque);
        var signed = await TokenAsync(jwt);

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var tokens = scope.ServiceProvider.GetRequiredService<OpenIddict.Core.OpenIddictTokenManager<Glint.Data.OAuth.OAuthToken>>();

        var byReference = await tokens.FindByReferenceIdAsync(reference["glint_at_".Length..], TestContext.Current.CancellationToken);
        Assert.NotNull(byReference);
        Assert.Equal(opaque.Id, await db.OAuthTokens.Where(token => token.Id == byReference.Id).Select(token => token.Application!.ClientId).SingleAsync(TestContext.Current.CancellationToken));

        // A JWT access token's jti is its entry's id, which revocation reaches it by.
        var payload = JsonNode.Parse(System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(signed.Split('.')[1])))!;
        var entryId = payload["jti"]!.GetValue<string>();
        Assert.Equal(jwt.Id, await db.OAuthTokens.Where(token => token.Id == entryId).Select(token => token.Application!.ClientId).SingleAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Stored_entries_have_time_ordered_uuid7_ids_and_random_uuid4_concurrency_tokens()
    {
        var client = await CreateClientAsync("opaque");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => TokenAsync(client)));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var rows = await db.OAuthTokens.AsNoTracking().Where(token => token.Subject == client.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Concurrent, rows.Count);
        Assert.All(rows, row =>
        {
            var id = Guid.Parse(row.Id!);
            Assert.Equal(row.Id, id.ToString());
            Assert.Equal(7, id.Version);
            Assert.Equal(0b10, id.Variant >> 2);
            var milliseconds = Convert.ToInt64(row.Id![..8] + row.Id[9..13], 16);
            Assert.InRange(milliseconds, before, after);

            var concurrency = Guid.Parse(row.ConcurrencyToken!);
            Assert.Equal(row.ConcurrencyToken, concurrency.ToString());
            Assert.Equal(4, concurrency.Version);
            Assert.Equal(0b10, concurrency.Variant >> 2);
        });
        Assert.Equal(Concurrent, rows.Select(row => row.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Concurrent, rows.Select(row => row.ConcurrencyToken).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_token_written_by_the_writer_can_be_revoked()
    {
        var client = await CreateClientAsync("opaque");
        var token = await TokenAsync(client);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.Id)}:{Uri.EscapeDataString(client.Secret)}")));
        using var revoked = await server.Public.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        Assert.False((await server.IntrospectAsync(token))["active"]!.GetValue<bool>());
    }
}

public sealed class SqliteTokenWriteTests(SqliteServerFixture server) : TokenWriteTests<SqliteServerFixture>(server);

public sealed class PostgresTokenWriteTests(PostgresServerFixture server) : TokenWriteTests<PostgresServerFixture>(server);
