using System.Net;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// A token that was answered survives a crash: the node is killed (SIGKILL, no shutdown) the moment the token response
/// arrives, and a new node on the same database finds the token active. The writer answers only after the commit.
/// </summary>
public abstract class TokenDurabilityTests(Glint.Data.DatabaseKind kind)
{
    [Theory]
    [InlineData("opaque")]
    [InlineData("jwt")]
    public async Task A_token_acknowledged_before_a_crash_is_valid_after_restart(string strategy)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(kind);

        string token;
        string issuer;
        using (var crashing = await GlintProcess.StartAsync(database.Dsn, cancellationToken: cancellationToken))
        {
            issuer = crashing.Issuer;
            try
            {
                using var created = await crashing.Admin.PostAsync("/admin/clients", HydraClientCalls.Json(new Dictionary<string, object?>
                {
                    ["grant_types"] = new[] { "client_credentials" },
                    ["scope"] = "read",
                    ["access_token_strategy"] = strategy,
                }), cancellationToken);
                var client = await created.ReadJsonAsync();
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);

                using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" }),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                    $"{Uri.EscapeDataString(client["client_id"]!.GetValue<string>())}:{Uri.EscapeDataString(client["client_secret"]!.GetValue<string>())}")));
                using var issued = await crashing.Public.SendAsync(request, cancellationToken);
                var body = await issued.ReadJsonAsync();
                Assert.True(issued.StatusCode == HttpStatusCode.OK, body.ToJsonString());
                token = body["access_token"]!.GetValue<string>();
            }
            finally
            {
                // Right after the answer, without any shutdown: what was acknowledged must already be on the disk.
                await crashing.KillAsync(cancellationToken);
            }
        }

        await using var restarted = new GlintNode(database.Dsn, new Dictionary<string, string?> { [ConfigurationKeys.Issuer] = issuer });
        await restarted.InitializeAsync();
        var introspection = await restarted.IntrospectAsync(token);
        Assert.True(introspection["active"]!.GetValue<bool>(), introspection.ToJsonString());
    }
}

public sealed class SqliteTokenDurabilityTests() : TokenDurabilityTests(Glint.Data.DatabaseKind.Sqlite);

public sealed class PostgresTokenDurabilityTests() : TokenDurabilityTests(Glint.Data.DatabaseKind.Postgres);
