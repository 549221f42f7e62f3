using System.Net;
using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Data.OAuth;
using Glint.Data.Users;
using Glint.Server.Hosting;
using Glint.Server.Maintenance;
using Glint.Server.Tests.Cli;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Server.Tests.Maintenance;

/// <summary>
/// The janitor over a database full of dead and live rows, run twice at once as two nodes would: every dead row goes,
/// every live one stays, and a live token still works.
/// </summary>
public abstract class JanitorTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static readonly JanitorPass Everything = new() { Tokens = true, Requests = true, Grants = true, BatchSize = 2 };

    /// <summary>The server's defaults: flows answerable for 30 minutes, login limits counting over 6 hours.</summary>
    private static readonly RowLifetimes Lifetimes = new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(6));

    private sealed record Seeded(List<string> Dead, List<string> Live);

    [Fact]
    public async Task TwoJanitorsAtOnce_DeleteEveryDeadRow_KeepEveryLiveOne()
    {
        var (token, tokenId) = await IssueTokenAsync();
        var (_, expiredTokenId) = await IssueTokenAsync();
        var now = DateTimeOffset.UtcNow;
        await using (var db = Database.Open(DatabaseDsn.Parse(server.Dsn)))
        {
            await db.OAuthTokens.Where(row => row.Id == expiredTokenId).ExecuteUpdateAsync(set => set.SetProperty(row => row.ExpirationDate, now.UtcDateTime.AddHours(-2)));
        }

        var seeded = await SeedAsync(now);
        var clock = new FakeTimeProvider(now);

        await Task.WhenAll(RunJanitorAsync(clock, Everything), RunJanitorAsync(clock, Everything));

        var remaining = await RemainingAsync();
        Assert.Empty(seeded.Dead.Intersect(remaining));
        Assert.Empty(seeded.Live.Except(remaining));
        Assert.Contains(tokenId, remaining);
        Assert.DoesNotContain(expiredTokenId, remaining);
        Assert.True((await server.IntrospectAsync(token))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task KeepIfYounger_KeepsRowsThatDiedRecently()
    {
        var now = DateTimeOffset.UtcNow;
        var id = await AddSessionTokenAsync(now, expiresAt: now.AddMinutes(-30));
        var clock = new FakeTimeProvider(now);

        await RunJanitorAsync(clock, new JanitorPass { Tokens = true, KeepIfYounger = TimeSpan.FromHours(1) });
        Assert.Contains(id, await RemainingAsync());

        await RunJanitorAsync(clock, new JanitorPass { Tokens = true });
        Assert.DoesNotContain(id, await RemainingAsync());
    }

    [Fact]
    public async Task OnlyTheChosenKinds_AreDeleted()
    {
        var now = DateTimeOffset.UtcNow;
        var sessionToken = await AddSessionTokenAsync(now, expiresAt: now.AddHours(-1));
        var logout = Id();
        await using (var db = Database.Open(DatabaseDsn.Parse(server.Dsn)))
        {
            db.LogoutRequests.Add(new LogoutRequest { Id = logout, Subject = "s", SessionId = Id(), RequestUrl = "http://x/", RequestedAt = now.AddHours(-2) });
            await db.SaveChangesAsync();
        }

        await RunJanitorAsync(new FakeTimeProvider(now), new JanitorPass { Requests = true });

        var remaining = await RemainingAsync();
        Assert.Contains(sessionToken, remaining);
        Assert.DoesNotContain(logout, remaining);
    }

    [Fact]
    public async Task Limit_BoundsTheRowsOfOnePass()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await AddSessionTokenAsync(now, expiresAt: now.AddHours(-1)));
        }

        var before = (await RemainingAsync()).Intersect(ids).Count();
        await RunJanitorAsync(new FakeTimeProvider(now), new JanitorPass { Tokens = true, Limit = 3, BatchSize = 2 });

        // Other tests' dead session tokens share the table: the pass deleted three rows, ours or theirs.
        Assert.Equal(5, before);
        Assert.InRange((await RemainingAsync()).Intersect(ids).Count(), 2, 5);
        await RunJanitorAsync(new FakeTimeProvider(now), new JanitorPass { Tokens = true });
        Assert.Empty((await RemainingAsync()).Intersect(ids));
    }

    [Fact]
    public async Task InProcessJanitor_RunsEachInterval_AndSkipsATurnWhileAnotherNodesPassRuns()
    {
        var now = DateTimeOffset.UtcNow;
        var dead = await AddSessionTokenAsync(now, expiresAt: now.AddHours(-1));
        var live = await AddSessionTokenAsync(now, expiresAt: now.AddHours(1));
        var dsn = DatabaseDsn.Parse(server.Dsn);
        var clock = new FakeTimeProvider(now);
        var log = new PassLog();
        var services = new ServiceCollection();
        services.AddDbContext<GlintDbContext>(options => Database.Use(options, dsn));
        await using var provider = services.BuildServiceProvider();
        using var janitor = new JanitorService(provider.GetRequiredService<IServiceScopeFactory>(), dsn, Lifetimes, TimeSpan.FromMinutes(5), clock, log);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await janitor.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            if (dsn.Kind == DatabaseKind.Postgres)
            {
                // Another node's pass holds the lock: this node's turn is skipped and the row stays.
                await using (await Database.LockAsync(dsn, JanitorService.PassLock, timeout.Token))
                {
                    clock.Advance(TimeSpan.FromMinutes(5));
                    await log.Skipped.Task.WaitAsync(timeout.Token);
                }

                Assert.Contains(dead, await RemainingAsync());
            }

            clock.Advance(TimeSpan.FromMinutes(5));
            await log.Passed.Task.WaitAsync(timeout.Token);
            var remaining = await RemainingAsync();
            Assert.DoesNotContain(dead, remaining);
            Assert.Contains(live, remaining);
        }
        finally
        {
            await janitor.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Cli_TwoRunsAtOnce_DeleteTheDeadRows()
    {
        var now = DateTimeOffset.UtcNow;
        var seeded = await SeedAsync(now);
        string[] args = ["janitor", server.Dsn, "--tokens", "--requests", "--grants", "--batch-size", "3", "--limit", "100000"];

        var runs = await Task.WhenAll(GlintCli.RunAsync(args), GlintCli.RunAsync(args));

        foreach (var run in runs)
        {
            Assert.True(run.Exit == 0, run.ToString());
            Assert.NotNull(run.Json["deleted"]!["oauth2_tokens"]);
        }

        var remaining = await RemainingAsync();
        Assert.Empty(seeded.Dead.Intersect(remaining));
        Assert.Empty(seeded.Live.Except(remaining));
    }

    [Fact]
    public async Task Cli_KeepIfYounger_IsAGoDuration()
    {
        var now = DateTimeOffset.UtcNow;
        var id = await AddSessionTokenAsync(now, expiresAt: now.AddMinutes(-30));

        var kept = await GlintCli.RunAsync("janitor", server.Dsn, "--tokens", "--keep-if-younger", "1h");
        Assert.True(kept.Exit == 0, kept.ToString());
        Assert.Contains(id, await RemainingAsync());

        var deleted = await GlintCli.RunAsync("janitor", server.Dsn, "--tokens", "--keep-if-younger", "10m");
        Assert.True(deleted.Exit == 0, deleted.ToString());
        Assert.DoesNotContain(id, await RemainingAsync());
    }

    [Fact]
    public async Task CallbackDeliveries_SettledAndPastRetention_AreDeleted_PendingOnesNever()
    {
        var now = DateTimeOffset.UtcNow;
        var endpoint = new CallbackEndpoint { Id = Guid.NewGuid(), AccountId = Guid.NewGuid(), Url = "https://example.com/hook", SealedSecret = [1, 2, 3], CreatedAt = now.AddDays(-60) };
        CallbackDelivery Delivery(string status, int daysAgo) => new()
        {
            EndpointId = endpoint.Id, EntryId = Guid.NewGuid(), WalletId = Guid.NewGuid(), EventType = "receive.intraledger", Status = status,
            CreatedAt = now.AddDays(-daysAgo), NextAttemptAt = status == CallbackDelivery.Pending ? now.AddDays(1) : null,
        };
        var deliveredOld = Delivery(CallbackDelivery.Delivered, 31);
        var failedOld = Delivery(CallbackDelivery.Failed, 45);
        var pendingOld = Delivery(CallbackDelivery.Pending, 40);
        var deliveredRecent = Delivery(CallbackDelivery.Delivered, 29);
        var failedRecent = Delivery(CallbackDelivery.Failed, 2);
        var more = Enumerable.Range(0, 5).Select(_ => Delivery(CallbackDelivery.Delivered, 50)).ToList();
        await using (var db = Database.Open(DatabaseDsn.Parse(server.Dsn)))
        {
            db.CallbackEndpoints.Add(endpoint);
            db.CallbackDeliveries.AddRange([deliveredOld, failedOld, pendingOld, deliveredRecent, failedRecent, .. more]);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        // Settled deliveries only, in batches of two, with the default retention of 30 days.
        await RunJanitorAsync(new FakeTimeProvider(now), new JanitorPass { Tokens = true, BatchSize = 2 });
        Assert.Equal(10, await DeliveriesOfAsync(endpoint.Id));
        await RunJanitorAsync(new FakeTimeProvider(now), new JanitorPass { CallbackDeliveries = true, BatchSize = 2 });

        await using var after = Database.Open(DatabaseDsn.Parse(server.Dsn));
        var left = await after.CallbackDeliveries.Where(row => row.EndpointId == endpoint.Id).Select(row => row.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new[] { pendingOld.Id, deliveredRecent.Id, failedRecent.Id }.Order(), left.Order());

        // A shorter retention set by the operator reaches the recent delivered one; the pending one stays whatever its age.
        await using (var db = Database.Open(DatabaseDsn.Parse(server.Dsn)))
        {
            await new Janitor(db, Lifetimes with { CallbackDeliveryRetention = TimeSpan.FromDays(7) }, new FakeTimeProvider(now))
                .RunAsync(new JanitorPass { CallbackDeliveries = true }, TestContext.Current.CancellationToken);
        }

        var kept = await after.CallbackDeliveries.Where(row => row.EndpointId == endpoint.Id).Select(row => row.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new[] { pendingOld.Id, failedRecent.Id }.Order(), kept.Order());
    }

    [Fact]
    public void DeliveryRetention_IsConfigurable_AndThirtyDaysByDefault()
    {
        var defaults = ServerSettings.Read(GlintConfiguration.Build(new Dictionary<string, string?>(), new System.Collections.Hashtable()));
        Assert.Equal(TimeSpan.FromDays(30), defaults.RowLifetimes.CallbackDeliveryRetention);
        var configured = ServerSettings.Read(GlintConfiguration.Build(
            new Dictionary<string, string?> { [ConfigurationKeys.CallbackDeliveryRetention] = "168h" }, new System.Collections.Hashtable()));
        Assert.Equal(TimeSpan.FromDays(7), configured.RowLifetimes.CallbackDeliveryRetention);
    }

    private async Task<int> DeliveriesOfAsync(Guid endpointId)
    {
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));
        return await db.CallbackDeliveries.CountAsync(row => row.EndpointId == endpointId);
    }

    private async Task RunJanitorAsync(TimeProvider clock, JanitorPass pass)
    {
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));
        await new Janitor(db, Lifetimes, clock).RunAsync(pass, TestContext.Current.CancellationToken);
    }

    private async Task<(string Token, string Id)> IssueTokenAsync()
    {
        var client = await server.CreateClientAsync(new Dictionary<string, object?> { ["grant_types"] = new[] { "client_credentials" } });
        var id = client["client_id"]!.GetValue<string>();
        using var response = await server.TokenAsync(id, client["client_secret"]!.GetValue<string>(), new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));
        var row = await db.OAuthTokens.Where(row => row.Application!.ClientId == id).Select(row => row.Id).SingleAsync();
        return (token, row!);
    }

    /// <summary>One row of each kind the janitor looks at, dead or alive, relative to <paramref name="now"/>.</summary>
    private async Task<Seeded> SeedAsync(DateTimeOffset now)
    {
        var dead = new List<string>();
        var live = new List<string>();
        var at = now.UtcDateTime;
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));

        OAuthAuthorization Authorization(List<string> list, string status, string type, DateTime created)
        {
            var authorization = new OAuthAuthorization { Id = Id(), Status = status, Type = type, Subject = "s", CreationDate = created };
            db.OAuthAuthorizations.Add(authorization);
            list.Add(authorization.Id);
            return authorization;
        }

        void Token(List<string> list, string status, DateTime? expires, DateTime created, OAuthAuthorization? authorization = null)
        {
            var token = new OAuthToken { Id = Id(), Status = status, Type = TokenTypeIdentifiers.AccessToken, ExpirationDate = expires, CreationDate = created, Authorization = authorization };
            db.OAuthTokens.Add(token);
            list.Add(token.Id);
        }

        void Flow(List<string> list, OAuthFlowState state, DateTimeOffset requested, bool remembered = false, string? authorizationId = null)
        {
            var flow = new OAuthFlow { Id = Id(), ClientId = "c", SessionId = Id(), State = state, RequestedAt = requested, ConsentRemembered = remembered, AuthorizationId = authorizationId };
            db.OAuthFlows.Add(flow);
            list.Add(flow.Id);
        }

        // Tokens: expired, revoked and rejected go; unexpired valid and redeemed stay (a replayed redeemed token is
        // how theft is detected), as does one without expiry.
        Token(dead, Statuses.Valid, at.AddHours(-2), at.AddHours(-3));
        Token(dead, Statuses.Redeemed, at.AddMinutes(-1), at.AddMinutes(-11));
        Token(dead, Statuses.Revoked, at.AddHours(1), at.AddMinutes(-1));
        Token(dead, Statuses.Rejected, at.AddHours(1), at.AddMinutes(-1));
        Token(live, Statuses.Valid, at.AddHours(1), at.AddMinutes(-1));
        Token(live, Statuses.Redeemed, at.AddMinutes(5), at.AddMinutes(-5));
        Token(live, Statuses.Valid, null, at.AddDays(-40));

        // Grants: a revoked or one-time grant without tokens goes; one with a live token, a remembered consent's,
        // a permanent valid one and a brand new one stay.
        Authorization(dead, Statuses.Revoked, AuthorizationTypes.Permanent, at.AddHours(-2));
        Authorization(dead, Statuses.Valid, AuthorizationTypes.AdHoc, at.AddHours(-2));
        var withToken = Authorization(live, Statuses.Valid, AuthorizationTypes.AdHoc, at.AddHours(-2));
        Token(live, Statuses.Valid, at.AddHours(1), at.AddMinutes(-1), withToken);
        var remembered = Authorization(live, Statuses.Valid, AuthorizationTypes.AdHoc, at.AddHours(-2));
        Authorization(live, Statuses.Valid, AuthorizationTypes.Permanent, at.AddHours(-2));
        Authorization(live, Statuses.Valid, AuthorizationTypes.AdHoc, at);

        // JWT-bearer trusts: an expired one goes, one still in force stays.
        foreach (var (list, expires) in new[] { (dead, now.AddMinutes(-1)), (live, now.AddDays(1)) })
        {
            var trust = new JwtBearerTrust
            {
                Id = Guid.NewGuid(), Issuer = "https://idp.example/" + Id(), Subject = "s", Scope = "read", KeyId = "k",
                PublicKey = "{}", CreatedAt = now.AddDays(-2), ExpiresAt = expires,
            };
            db.JwtBearerTrusts.Add(trust);
            list.Add("trust:" + trust.Id);
        }

        // Flows: unanswered and refused ones past their lifetime go, and a used consent with nothing left hanging
        // from it; a flow still answerable, a remembered consent and a consent whose token lives stay.
        Flow(dead, OAuthFlowState.LoginRequested, now.AddHours(-1));
        Flow(dead, OAuthFlowState.ConsentRejectedUsed, now.AddHours(-1));
        Flow(dead, OAuthFlowState.ConsentUsed, now.AddHours(-1));
        Flow(live, OAuthFlowState.LoginRequested, now.AddMinutes(-10));
        Flow(live, OAuthFlowState.ConsentUsed, now.AddDays(-20), remembered: true, authorizationId: remembered.Id);
        Flow(live, OAuthFlowState.ConsentUsed, now.AddHours(-1), authorizationId: withToken.Id);

        foreach (var (list, requested) in new[] { (dead, now.AddHours(-1)), (live, now.AddMinutes(-10)) })
        {
            var request = new LogoutRequest { Id = Id(), Subject = "s", SessionId = Id(), RequestUrl = "http://x/", RequestedAt = requested };
            db.LogoutRequests.Add(request);
            list.Add(request.Id);
        }

        foreach (var (list, expires) in new[] { (dead, (DateTimeOffset?)now.AddMinutes(-1)), (live, now.AddHours(1)), (live, null) })
        {
            var session = new LoginSession { Id = Id(), Subject = "s", AuthenticatedAt = now.AddHours(-2), ExpiresAt = expires };
            db.LoginSessions.Add(session);
            list.Add(session.Id);
        }

        // Login codes and failures count towards the rate limits for six hours, expired or not.
        foreach (var (list, created, expires) in new[]
        {
            (dead, now.AddHours(-7), now.AddHours(-7).AddMinutes(15)),
            (live, now.AddHours(-1), now.AddMinutes(-45)),
            (live, now.AddMinutes(-1), now.AddMinutes(14)),
        })
        {
            var code = new LoginCode { Id = Id(), Email = "a@example.com", CodeHash = new byte[32], CreatedAt = created, ExpiresAt = expires };
            db.LoginCodes.Add(code);
            list.Add(code.Id);
        }

        var failures = new[] { (dead, now.AddHours(-7)), (live, now.AddHours(-1)) }
            .Select(pair => (pair.Item1, Row: new LoginFailure { Identifier = "a@example.com", At = pair.Item2 })).ToList();
        db.LoginFailures.AddRange(failures.Select(failure => failure.Row));
        await db.SaveChangesAsync();
        foreach (var (list, row) in failures)
        {
            list.Add("failure:" + row.Id);
        }

        dead.Add(await AddSessionTokenAsync(now, expiresAt: now.AddMinutes(-1)));
        dead.Add(await AddSessionTokenAsync(now, expiresAt: now.AddHours(1), revokedAt: now.AddMinutes(-1)));
        live.Add(await AddSessionTokenAsync(now, expiresAt: now.AddHours(1)));
        return new Seeded(dead, live);
    }

    private async Task<string> AddSessionTokenAsync(DateTimeOffset now, DateTimeOffset expiresAt, DateTimeOffset? revokedAt = null)
    {
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));
        var user = new User { Id = Guid.NewGuid(), Email = $"{Guid.NewGuid():N}@example.com", CreatedAt = now };
        var token = new SessionToken { Id = Guid.NewGuid(), TokenHash = Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray(), UserId = user.Id, CreatedAt = now.AddHours(-2), ExpiresAt = expiresAt, RevokedAt = revokedAt };
        db.Users.Add(user);
        db.SessionTokens.Add(token);
        await db.SaveChangesAsync();
        return "session:" + token.Id;
    }

    /// <summary>The ids of every row of the tables the janitor cleans, prefixed where ids are not strings.</summary>
    private async Task<HashSet<string>> RemainingAsync()
    {
        await using var db = Database.Open(DatabaseDsn.Parse(server.Dsn));
        var ids = new HashSet<string>();
        ids.UnionWith((await db.OAuthTokens.Select(row => row.Id).ToListAsync())!);
        ids.UnionWith((await db.OAuthAuthorizations.Select(row => row.Id).ToListAsync())!);
        ids.UnionWith(await db.OAuthFlows.Select(row => row.Id).ToListAsync());
        ids.UnionWith(await db.LogoutRequests.Select(row => row.Id).ToListAsync());
        ids.UnionWith(await db.LoginSessions.Select(row => row.Id).ToListAsync());
        ids.UnionWith(await db.LoginCodes.Select(row => row.Id).ToListAsync());
        ids.UnionWith((await db.LoginFailures.Select(row => row.Id).ToListAsync()).Select(id => "failure:" + id));
        ids.UnionWith((await db.SessionTokens.Select(row => row.Id).ToListAsync()).Select(id => "session:" + id));
        ids.UnionWith((await db.JwtBearerTrusts.Select(row => row.Id).ToListAsync()).Select(id => "trust:" + id));
        return ids;
    }

    private static string Id() => Guid.NewGuid().ToString("N");
}

/// <summary>The janitor service's log, signalling its first skipped and its first finished pass.</summary>
internal sealed class PassLog : Microsoft.Extensions.Logging.ILogger<JanitorService>
{
    public TaskCompletionSource Skipped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Passed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (message.Contains("skipped", StringComparison.Ordinal))
        {
            Skipped.TrySetResult();
        }
        else if (message.Contains("deleted", StringComparison.Ordinal))
        {
            Passed.TrySetResult();
        }
        else if (exception is not null)
        {
            Passed.TrySetException(exception);
        }
    }
}

public sealed class SqliteJanitorTests(SqliteServerFixture server) : JanitorTests<SqliteServerFixture>(server);

public sealed class PostgresJanitorTests(PostgresServerFixture server) : JanitorTests<PostgresServerFixture>(server);

/// <summary><c>glint janitor</c>'s flags: what it needs before it touches a database.</summary>
public sealed class JanitorCommandTests
{
    [Theory]
    [InlineData("give the database as the DSN argument", "janitor", "--tokens")]
    [InlineData("not both", "janitor", "sqlite://x.db", "--read-from-env", "--tokens")]
    [InlineData("--tokens, --requests and/or --grants", "janitor", "sqlite://x.db")]
    [InlineData("--keep-if-younger must be a duration", "janitor", "sqlite://x.db", "--tokens", "--keep-if-younger", "soon")]
    [InlineData("--batch-size must be at least 1", "janitor", "sqlite://x.db", "--grants", "--batch-size", "0")]
    [InlineData("--limit must be at least 1", "janitor", "sqlite://x.db", "--requests", "--limit", "0")]
    public async Task BadFlags_AreRefusedWithTheRule(string message, params string[] args)
    {
        var run = await GlintCli.RunAsync(args);

        Assert.Equal(2, run.Exit);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists("x.db"));
    }

    [Fact]
    public void Settings_JanitorInterval_IsOffByDefault_AndAGoDuration()
    {
        Assert.Null(ServerSettings.Read(GlintConfiguration.Build(new Dictionary<string, string?>(), new System.Collections.Hashtable())).JanitorInterval);
        var settings = ServerSettings.Read(GlintConfiguration.Build(new Dictionary<string, string?> { [ConfigurationKeys.JanitorInterval] = "10m" }, new System.Collections.Hashtable()));
        Assert.Equal(TimeSpan.FromMinutes(10), settings.JanitorInterval);
        var refused = Assert.Throws<SettingsException>(() => ServerSettings.Read(GlintConfiguration.Build(new Dictionary<string, string?> { [ConfigurationKeys.JanitorInterval] = "0s" }, new System.Collections.Hashtable())));
        Assert.Contains("janitor.interval", refused.Message, StringComparison.Ordinal);
    }
}
