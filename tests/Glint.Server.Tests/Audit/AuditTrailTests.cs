using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Glint.Auth.ApiKeys;
using Glint.Auth.Audit;
using Glint.Data;
using Glint.Data.Users;
using Glint.Login;
using Glint.Server.Hosting;
using Glint.Server.Maintenance;
using Glint.Server.Tests.Cli;
using Glint.Server.Tests.Developers;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Glint.Server.Tests.Login;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Audit;

/// <summary>
/// The audit trail against each database: every kind of event, with who, what, when and from where, read back through
/// <c>/admin/audit</c> and <c>glint audit list</c>; filters, paging, and pruning after the retention on the server's clock.
/// </summary>
public abstract class AuditTrailTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    private const string Loopback = "127.0.0.1";

    private async Task<JsonArray> AuditAsync(string query)
    {
        await server.Services.GetRequiredService<AuditBatchWriter>().FlushAsync(TestContext.Current.CancellationToken);
        using var response = await server.Admin.GetAsync("/admin/audit?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /admin/audit?{query}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    private static JsonNode Single(JsonArray events, string action) =>
        Assert.Single(events, entry => entry!["action"]!.GetValue<string>() == action)!;

    private static string Text(JsonNode node, string field) => node[field]?.GetValue<string>() ?? "";

    private async Task<(string Id, string Secret)> CreateMachineClientAsync()
    {
        var created = await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read", token_endpoint_auth_method = "client_secret_basic" });
        return (created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientChanges_AreAuditedAsTheAdmin_WithTheCallersAddress()
    {
        var (id, _) = await CreateMachineClientAsync();
        using (var put = await server.Admin.PutAsync($"/admin/clients/{id}", HydraClientCalls.Json(new
        {
            grant_types = new[] { "client_credentials" }, scope = "read write", token_endpoint_auth_method = "client_secret_basic", client_secret = "a-new-secret-of-enough-length-0123",
        })))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var patch = await server.Admin.PatchAsync($"/admin/clients/{id}",
            new StringContent("""[{"op":"replace","path":"/client_name","value":"renamed"}]""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        using (var delete = await server.Admin.DeleteAsync($"/admin/clients/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var events = await AuditAsync("client=" + id);
        Assert.Equal(["client.deleted", "client.updated", "client.secret_rotated", "client.created"], events.Select(entry => Text(entry!, "action")));
        Assert.All(events, entry =>
        {
            Assert.Equal("admin", Text(entry!, "actor"));
            Assert.Equal(id, Text(entry!, "client_id"));
            Assert.Equal(Loopback, Text(entry!, "remote_address"));
        });
        Assert.DoesNotContain("a-new-secret-of-enough-length-0123", events.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_Issued_Refused_AndRevoked_AreAudited_WithoutTheTokenOrSecret()
    {
        var (id, secret) = await CreateMachineClientAsync();
        using var issued = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        var token = (await issued.ReadJsonAsync())["access_token"]!.GetValue<string>();
        using var refused = await server.TokenAsync(id, "wrong-secret", new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        Assert.False(refused.IsSuccessStatusCode);
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/oauth2/revoke") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }) };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{id}:{secret}")));
        using (var revoked = await server.Public.SendAsync(revoke))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        using (var adminRevoke = await server.Admin.DeleteAsync($"/admin/oauth2/tokens?client_id={id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, adminRevoke.StatusCode);
        }

        var events = await AuditAsync("client=" + id);
        var tokenIssued = Single(events, "token.issued");
        Assert.Equal("client", Text(tokenIssued, "actor"));
        Assert.Equal("client_credentials", Text(tokenIssued, "target"));
        Assert.Equal(Loopback, Text(tokenIssued, "remote_address"));
        var tokenRefused = Single(events, "token.refused");
        Assert.Equal("invalid_client", Text(tokenRefused, "reason"));
        Assert.Equal(Loopback, Text(tokenRefused, "remote_address"));
        var revocations = events.Where(entry => Text(entry!, "action") == "token.revoked").ToList();
        Assert.Equal(["admin", "client"], revocations.Select(entry => Text(entry!, "actor")).Order());
        var text = events.ToJsonString();
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedClientIdWithANul_IsAuditedReadably_AndLosesNoOtherEvent()
    {
        var (id, _) = await CreateMachineClientAsync();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        // Percent-encoded in the Basic header (RFC 6749 §2.3.1), so the server decodes a NUL; PostgreSQL stores none.
        using (var nul = await server.TokenAsync("nul\0client", "secret", form))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, nul.StatusCode);
        }

        using (var wrong = await server.TokenAsync(id, "wrong-secret", form))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        Assert.Equal("invalid_client", Text(Single(await AuditAsync("client=" + id), "token.refused"), "reason"));
        Assert.Equal("invalid_client", Text(Single(await AuditAsync("client=" + Uri.EscapeDataString("nul\uFFFDclient")), "token.refused"), "reason"));
    }

    [Fact]
    public async Task ABatchWithARowTheDatabaseRefuses_LosesThatRowOnly()
    {
        var writer = server.Services.GetRequiredService<Glint.Auth.Audit.AuditBatchWriter>();
        var target = Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow;
        var rows = Enumerable.Range(0, 9)
            .Select(i => new Glint.Data.Audit.AuditEvent { Id = Guid.CreateVersion7(), At = at, ActorKind = "system", Action = "test.event", Target = target, Reason = $"row {i}" })
            .ToList();
        // The same id twice: whichever the database gets second is refused, on both databases.
        rows[6].Id = rows[2].Id;
        foreach (var row in rows)
        {
            writer.Add(row);
        }

        await writer.FlushAsync(TestContext.Current.CancellationToken);

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var stored = await db.AuditEvents.AsNoTracking().Where(row => row.Target == target).Select(row => row.Reason).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(8, stored.Count);
        Assert.Contains("row 0", stored);
        Assert.Contains("row 8", stored);
    }

    [Fact]
    public async Task TokenIssued_IsStoredWithTheToken_BeforeTheResponse()
    {
        var (id, secret) = await CreateMachineClientAsync();
        using var issued = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);

        // Read straight from the table, with nothing flushed: the token writer committed the row with the token's.
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var rows = await db.AuditEvents.AsNoTracking().Where(row => row.ClientId == id && row.Action == "token.issued").ToListAsync(TestContext.Current.CancellationToken);
        var row = Assert.Single(rows);
        Assert.Equal("client", row.ActorKind);
        Assert.Null(row.Subject);
        Assert.Equal("client_credentials", row.Target);
        Assert.Equal(Loopback, row.RemoteAddress);
    }

    [Fact]
    public async Task LoginAndConsentAnswers_AreStoredBeforeTheAnswer()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = FlowCalls.NewSubject();
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        Task<int> LoginAnswersAsync() => db.AuditEvents.CountAsync(
            row => row.Action == "admin.call" && row.Target == "PUT /admin/oauth2/auth/requests/login/accept", TestContext.Current.CancellationToken);
        var loginAnswers = await LoginAnswersAsync();

        using var browser = new BrowserSession(server);
        var loginChallenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var afterLogin = await server.AcceptLoginAsync(loginChallenge, new { subject });
        // Read straight from the table, with nothing flushed: each answer went out after its row was committed.
        Assert.Equal(loginAnswers + 1, await LoginAnswersAsync());

        var consentChallenge = await browser.FollowToConsentAsync(afterLogin);
        await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } });
        var granted = await db.AuditEvents.AsNoTracking()
            .Where(row => row.Subject == subject && row.Action == "consent.granted").ToListAsync(TestContext.Current.CancellationToken);
        var row = Assert.Single(granted);
        Assert.Equal(client.Id, row.ClientId);
        Assert.Equal(Loopback, row.RemoteAddress);
    }

    [Fact]
    public async Task AdminCalls_AndTokens_CommittedTogether_AreAllStoredBeforeTheirAnswers()
    {
        var (id, secret) = await CreateMachineClientAsync();
        var others = new List<string>();
        for (var index = 0; index < 8; index++)
        {
            others.Add((await CreateMachineClientAsync()).Id);
        }

        // Concurrent, so that admin calls' rows and token rows share the token writer's commits.
        var tokens = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var issued = await server.TokenAsync(id, secret, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" });
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        });
        var changes = others.Select(async other =>
        {
            using var changed = await server.Admin.PutAsync($"/admin/clients/{other}/lifespans",
                HydraClientCalls.Json(new { client_credentials_grant_access_token_lifespan = "5m" }));
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        });
        await Task.WhenAll(tokens.Concat(changes));

        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        Assert.Equal(8, await db.AuditEvents.CountAsync(row => row.ClientId == id && row.Action == "token.issued", TestContext.Current.CancellationToken));
        Assert.Equal(8, await db.AuditEvents.CountAsync(row => others.Contains(row.ClientId!) && row.Action == "client.updated", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ConsentGranted_AndRevoked_NameTheSubjectAndClient()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = FlowCalls.NewSubject();
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, subject, "openid read", ["openid", "read"]);
        var tokens = await server.TokensAsync(client, run);
        using (var revoke = await server.Admin.DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={subject}&client={client.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var events = await AuditAsync("subject=" + subject);
        var granted = Single(events, "consent.granted");
        Assert.Equal("subject", Text(granted, "actor"));
        Assert.Equal(client.Id, Text(granted, "client_id"));
        Assert.Equal("openid read", Text(granted, "target"));
        var revoked = Single(events, "consent.revoked");
        Assert.Equal("admin", Text(revoked, "actor"));
        Assert.Equal(client.Id, Text(revoked, "client_id"));
        var issued = Single(events, "token.issued");
        Assert.Equal("authorization_code", Text(issued, "target"));
        Assert.Equal("subject", Text(issued, "actor"));
        Assert.DoesNotContain(run.Callback.Code!, events.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(tokens["access_token"]!.GetValue<string>(), events.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logins_Succeeded_Failed_AndLockedOut_AreAuditedForTheUser_FromTheirAddress()
    {
        await using var rules = await LoginRules.OpenAsync(server, limits: new LoginLimits { FailuresPerIdentifier = 2 });
        var email = LoginRules.NewEmail();
        var (first, firstCode) = await rules.CodeForAsync(email);
        await rules.CheckCodeAsync(first, firstCode);
        var userId = await rules.InDbAsync(db => db.Users.Where(user => user.Email == email).Select(user => user.Id).SingleAsync());

        var (second, secondCode) = await rules.CodeForAsync(email);
        await rules.CheckCodeAsync(second, LoginRules.Wrong(secondCode));
        await rules.CheckCodeAsync(second, LoginRules.Wrong(secondCode));
        await rules.CheckCodeAsync(second, secondCode);

        var events = await AuditAsync("subject=" + userId);
        Assert.Equal(["login.locked_out", "login.failed", "login.failed", "login.succeeded"], events.Select(entry => Text(entry!, "action")));
        Assert.All(events, entry =>
        {
            Assert.Equal("subject", Text(entry!, "actor"));
            Assert.Equal(rules.Ip, Text(entry!, "remote_address"));
        });
        Assert.Equal("rate_limited", Text(events[0]!, "reason"));
        Assert.Equal("wrong_code", Text(events[1]!, "reason"));
        Assert.DoesNotContain(email, events.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secondCode, events.Select(entry => Text(entry!, "target") + Text(entry!, "reason")), StringComparer.Ordinal);
    }

    [Fact]
    public async Task PhoneSignIns_AreAuditedAsEmailOnes_EvenWithNoCodeOpen()
    {
        server.Clock.Advance(TimeSpan.FromHours(7));
        var phone = "+336" + Random.Shared.Next(10_000_000, 20_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        async Task<string> SendCodeAsync()
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            using var sent = await server.Public.PostAsync("/auth/phone/code",
                new StringContent($$"""{"phone":"{{phone}}","channel":"SMS"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            await using var scope = server.Services.CreateAsyncScope();
            var message = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox.Where(kept => kept.To == phone).OrderByDescending(kept => kept.Id).FirstAsync();
            return System.Text.RegularExpressions.Regex.Match(message.Body, "[0-9]{6}").Value;
        }

        async Task<HttpStatusCode> LoginAsync(string code)
        {
            using var login = await server.Public.PostAsync("/auth/phone/login",
                new StringContent($$"""{"phone":"{{phone}}","code":"{{code}}"}""", Encoding.UTF8, "application/json"));
            return login.StatusCode;
        }

        var first = await SendCodeAsync();
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(first));
        Assert.NotEqual(HttpStatusCode.OK, await LoginAsync(first));
        var second = await SendCodeAsync();
        Assert.NotEqual(HttpStatusCode.OK, await LoginAsync(LoginRules.Wrong(second)));
        Guid userId;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            userId = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Users.Where(user => user.Phone == phone).Select(user => user.Id).SingleAsync();
        }

        var events = await AuditAsync("subject=" + userId);

        Assert.Equal(["login.failed", "login.failed", "login.succeeded"], events.Select(entry => Text(entry!, "action")));
        Assert.Equal(["wrong_code", "attempt_invalid", ""], events.Select(entry => Text(entry!, "reason")));
        Assert.All(events, entry =>
        {
            Assert.Equal("subject", Text(entry!, "actor"));
            Assert.Equal(Loopback, Text(entry!, "remote_address"));
        });
        Assert.DoesNotContain(phone, events.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeys_CreatedAndRevoked_AreAuditedWithoutTheKey()
    {
        var userId = await NewUserAsync();
        string secret;
        Guid keyId;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
            var (key, created) = await keys.CreateAsync(userId, "ci", ["read"], null, "10.9.8.7", CancellationToken.None);
            (secret, keyId) = (created, key.Id);
            Assert.NotNull(await keys.RevokeAsync(userId, keyId, "10.9.8.6", CancellationToken.None));
        }

        var events = await AuditAsync("subject=" + userId);
        Assert.Equal(["api_key.revoked", "api_key.created"], events.Select(entry => Text(entry!, "action")));
        Assert.Equal(["10.9.8.6", "10.9.8.7"], events.Select(entry => Text(entry!, "remote_address")));
        Assert.All(events, entry => Assert.Equal(keyId.ToString(), Text(entry!, "target")));
        Assert.DoesNotContain(secret, events.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherAdminCalls_ThatChangeState_AreAuditedByRoute_ReadsAreNot()
    {
        var (id, _) = await CreateMachineClientAsync();
        using (var lifespans = await server.Admin.PutAsync($"/admin/clients/{id}/lifespans", HydraClientCalls.Json(new { client_credentials_grant_access_token_lifespan = "5m" })))
        {
            Assert.Equal(HttpStatusCode.OK, lifespans.StatusCode);
        }

        var subject = FlowCalls.NewSubject();
        using (var logout = await server.Admin.DeleteAsync($"/admin/oauth2/auth/sessions/login?subject={subject}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using (var read = await server.Admin.GetAsync($"/admin/clients/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var events = await AuditAsync("client=" + id);
        Assert.Equal(["client.updated", "client.created"], events.Select(entry => Text(entry!, "action")));
        var since = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var calls = await AuditAsync("page_size=1000&since=" + since);
        Assert.Contains(calls, entry => Text(entry!, "action") == "admin.call" && Text(entry!, "target") == "DELETE /admin/oauth2/auth/sessions/login");
    }

    [Fact]
    public async Task Filters_AndPaging_FollowHydrasListConventions()
    {
        var (id, _) = await CreateMachineClientAsync();
        for (var index = 0; index < 4; index++)
        {
            using var patch = await server.Admin.PatchAsync($"/admin/clients/{id}",
                new StringContent($$"""[{"op":"replace","path":"/client_name","value":"n{{index}}"}]""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        await server.Services.GetRequiredService<AuditBatchWriter>().FlushAsync(TestContext.Current.CancellationToken);
        using var first = await server.Admin.GetAsync($"/admin/audit?client={id}&page_size=2");
        Assert.Equal("5", first.Headers.GetValues("X-Total-Count").Single());
        var link = first.Headers.GetValues("Link").Single();
        Assert.Contains("rel=\"next\"", link, StringComparison.Ordinal);
        var page = JsonNode.Parse(await first.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(2, page.Count);
        var next = link.Split(',').Single(part => part.Contains("rel=\"next\"", StringComparison.Ordinal));
        var nextUrl = next[(next.IndexOf('<', StringComparison.Ordinal) + 1)..next.IndexOf('>', StringComparison.Ordinal)];
        using var second = await server.Admin.GetAsync(nextUrl);
        var secondPage = JsonNode.Parse(await second.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(2, secondPage.Count);
        Assert.Empty(page.Select(entry => Text(entry!, "id")).Intersect(secondPage.Select(entry => Text(entry!, "id"))));

        Assert.Empty(await AuditAsync($"client={id}&since=" + Uri.EscapeDataString(server.Clock.GetUtcNow().AddMinutes(1).ToString("O"))));
        Assert.Empty(await AuditAsync($"client={id}&subject=nobody"));

        using var bad = await server.Admin.GetAsync("/admin/audit?since=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var error = await bad.ReadJsonAsync();
        Assert.Equal("The request was malformed or contained invalid parameters", error["error"]!.GetValue<string>());
        Assert.Contains("since", error["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        using var badSize = await server.Admin.GetAsync("/admin/audit?page_size=0");
        Assert.Equal(HttpStatusCode.BadRequest, badSize.StatusCode);
    }

    [Fact]
    public async Task GlintAuditList_ShowsTheEvents_AsATableOrJson()
    {
        var (id, _) = await CreateMachineClientAsync();
        await server.Services.GetRequiredService<AuditBatchWriter>().FlushAsync(TestContext.Current.CancellationToken);

        var table = await GlintCli.RunAsync(["audit", "list", .. server.AdminEndpoint(), "--client", id]);
        Assert.True(table.Exit == 0, table.ToString());
        Assert.Contains("client.created", table.Output, StringComparison.Ordinal);
        Assert.Contains(id, table.Output, StringComparison.Ordinal);

        var json = await GlintCli.RunAsync(["audit", "list", .. server.AdminEndpoint(), "--client", id, "--since", "2000-01-01T00:00:00Z", "--limit", "5", "--format", "json"]);
        Assert.True(json.Exit == 0, json.ToString());
        Assert.Equal("client.created", Assert.Single(json.Json.AsArray())!["action"]!.GetValue<string>());

        var bad = await GlintCli.RunAsync(["audit", "list", .. server.AdminEndpoint(), "--since", "yesterday"]);
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("--since", bad.Error, StringComparison.Ordinal);
    }

    private async Task<Guid> NewUserAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
        var user = new User { Id = Guid.NewGuid(), Email = LoginRules.NewEmail(), CreatedAt = server.Clock.GetUtcNow() };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }
}

/// <summary>Retention on a server of its own: the test moves its clock by months.</summary>
public abstract class AuditRetentionTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    private async Task<string> CreateClientAsync() =>
        (await server.CreateClientAsync(new { grant_types = new[] { "client_credentials" }, scope = "read" }))["client_id"]!.GetValue<string>();

    private async Task<int> CountAsync(string clientId)
    {
        using var response = await server.Admin.GetAsync("/admin/audit?client=" + clientId);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Count;
    }

    [Fact]
    public async Task TheJanitor_DeletesEventsPastTheRetention_OnTheServersClock()
    {
        var old = await CreateClientAsync();
        server.Clock.Advance(TimeSpan.FromDays(91));
        var recent = await CreateClientAsync();

        await using (var db = Database.Open(DatabaseDsn.Parse(server.Dsn)))
        {
            var lifetimes = new RowLifetimes(TimeSpan.FromMinutes(30), TimeSpan.FromHours(6)) { AuditRetention = TimeSpan.FromDays(90) };
            var deleted = await new Janitor(db, lifetimes, server.Clock).RunAsync(new JanitorPass { AuditEvents = true }, CancellationToken.None);
            Assert.True(deleted["audit_events"] >= 1);
        }

        Assert.Equal(0, await CountAsync(old));
        Assert.Equal(1, await CountAsync(recent));
    }

}

public sealed class SqliteAuditRetentionTests(SqliteClockedServer server) : AuditRetentionTests<SqliteClockedServer>(server);

public sealed class PostgresAuditRetentionTests(PostgresClockedServer server) : AuditRetentionTests<PostgresClockedServer>(server);

public sealed class SqliteAuditTrailTests(SqliteClockedServer server) : AuditTrailTests<SqliteClockedServer>(server);

public sealed class PostgresAuditTrailTests(PostgresClockedServer server) : AuditTrailTests<PostgresClockedServer>(server);

/// <summary>
/// The clients of developer apps and of dynamic registration are audited as the admin API's are: created, updated,
/// secret rotated and deleted, each naming who (the operator, the developer or the registrant) and from where.
/// </summary>
public abstract class AppClientAuditTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : Developers.RegistrationServerFixture
{
    private async Task<JsonArray> ClientEventsAsync(string clientId)
    {
        using var response = await server.Admin.GetAsync("/admin/audit?client=" + Uri.EscapeDataString(clientId));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /admin/audit: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    private static string Text(JsonNode? node, string field) => node?[field]?.GetValue<string>() ?? "";

    [Fact]
    public async Task ADeveloperAppsClient_IsAuditedAsCreatedByTheOperator_AndRotatedAndDeletedByTheDeveloper()
    {
        using var developer = await Developers.Developer.SignInAsync(server);
        var id = Developers.Developer.AppId(await developer.RegisterAsync());
        var (approved, app) = await Developers.AppAdminCalls.DecideAsync(server, id.ToString("D"), "approve");
        Assert.Equal(HttpStatusCode.OK, approved);
        var clientId = app!["client_id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await Developers.AppAdminCalls.DecideAsync(server, id.ToString("D"), "suspend", new { reason = "a check" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Developers.AppAdminCalls.DecideAsync(server, id.ToString("D"), "resume")).Status);
        var page = await developer.AppPageAsync(id);
        var (rotated, _) = await developer.Pages.SubmitAsync(page, $"/developers/apps/{id:D}?handler=Rotate", [new("OverlapHours", "24")]);
        var secret = rotated!.Text("client-secret")!;
        await developer.Pages.SubmitAsync(rotated, $"/developers/apps/{id:D}?handler=Delete", []);

        var events = await ClientEventsAsync(clientId);

        Assert.Equal(["client.deleted", "client.secret_rotated", "client.updated", "client.updated", "client.created"], events.Select(entry => Text(entry, "action")));
        Assert.Equal(["subject", "subject", "admin", "admin", "admin"], events.Select(entry => Text(entry, "actor")));
        Assert.Equal(["resumed", "suspended"], events.Skip(2).Take(2).Select(entry => Text(entry, "target")));
        Assert.All(events.Take(2), entry => Assert.Equal(developer.Subject, Text(entry, "subject")));
        Assert.All(events, entry => Assert.Equal("127.0.0.1", Text(entry, "remote_address")));
        Assert.DoesNotContain(secret, events.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASelfRegisteredClient_IsAuditedAsCreatedUpdatedAndDeletedByItsRegistrant()
    {
        var (created, client) = await server.RegisterAsync(Developers.RegistrationCalls.Registration());
        Assert.Equal(HttpStatusCode.Created, created);
        var clientId = client!["client_id"]!.GetValue<string>();
        var path = "/oauth2/register/" + Uri.EscapeDataString(clientId);
        var (updated, changed) = await Developers.RegistrationCalls.SendAsync(server, HttpMethod.Put, path, client["registration_access_token"]!.GetValue<string>(),
            System.Text.Json.JsonSerializer.Serialize(Developers.RegistrationCalls.Registration(scope: "read")));
        Assert.Equal(HttpStatusCode.OK, updated);
        var (deleted, _) = await Developers.RegistrationCalls.SendAsync(server, HttpMethod.Delete, path, changed!["registration_access_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted);

        var events = await ClientEventsAsync(clientId);

        Assert.Equal(["client.deleted", "client.updated", "client.created"], events.Select(entry => Text(entry, "action")));
        Assert.All(events, entry =>
        {
            Assert.Equal("client", Text(entry, "actor"));
            Assert.Equal(clientId, Text(entry, "client_id"));
            Assert.Equal("127.0.0.1", Text(entry, "remote_address"));
        });
        Assert.DoesNotContain(client["registration_access_token"]!.GetValue<string>(), events.ToJsonString(), StringComparison.Ordinal);
    }
}

public sealed class SqliteAppClientAuditTests(Developers.SqliteRegistrationServerFixture server) : AppClientAuditTests<Developers.SqliteRegistrationServerFixture>(server);

public sealed class PostgresAppClientAuditTests(Developers.PostgresRegistrationServerFixture server) : AppClientAuditTests<Developers.PostgresRegistrationServerFixture>(server);
