using System.Net;
using Glint.Data;
using Glint.Data.Audit;
using Glint.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Glint.Server.Tests.Flows.FlowCalls;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// A consent verifier's redemption commits with the code it is answered with, and a code's with the tokens it is
/// exchanged for (one write each). Sent several times at once, each still redeems once: one code, one set of tokens,
/// the other copies refused as before, and nothing of theirs stored; a replay of the code still revokes the tokens it
/// was exchanged for.
/// </summary>
public abstract class RedemptionWithItsRowsFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const int Copies = 3;

    [Fact]
    public async Task A_consent_verifier_sent_several_times_at_once_gives_one_code_and_stores_one_authorization_and_one_code()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var subject = NewSubject();
        var query = BrowserSession.Query(client, "read", verifier);
        var loginChallenge = await browser.StartAsync(query);
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(loginChallenge, new { subject }));
        var afterConsent = new Uri(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } })).PathAndQuery;

        var responses = await Task.WhenAll(Enumerable.Range(0, Copies).Select(_ => browser.GetAsync(afterConsent)));

        var callbacks = new List<ClientCallback>();
        foreach (var response in responses)
        {
            callbacks.Add(await BrowserSession.ToClientAsync(response));
        }

        var code = Assert.Single(callbacks, callback => callback.Code is not null).Code!;
        Assert.All(callbacks.Where(callback => callback.Code is null), callback =>
        {
            Assert.Equal("access_denied", callback.Error);
            Assert.Equal(query["state"], callback.State);
        });

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            var authorization = Assert.Single(await db.OAuthAuthorizations.AsNoTracking().Where(row => row.Subject == subject)
                .Select(row => row.Id).ToListAsync(TestContext.Current.CancellationToken));
            var codes = await db.OAuthTokens.AsNoTracking()
                .Where(row => row.Subject == subject && row.Type == TokenTypeIdentifiers.Private.AuthorizationCode)
                .Select(row => row.Authorization!.Id).ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal(authorization, Assert.Single(codes));
            var flow = Assert.Single(await db.OAuthFlows.AsNoTracking().Where(row => row.Subject == subject).ToListAsync(TestContext.Current.CancellationToken));
            Assert.Equal(authorization, flow.AuthorizationId);
        }

        using var exchange = await server.ExchangeCodeAsync(client, code, verifier);
        await OkJsonAsync(exchange, "exchange of the one code");
    }

    [Fact]
    public async Task A_code_exchanged_several_times_at_once_gives_one_set_of_tokens_stored_once_and_a_replay_revokes_them()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();
        var run = await browser.RunAsync(BrowserSession.Query(client, "read offline", verifier), new { subject }, new { grant_scope = new[] { "read", "offline" } }, verifier);
        var code = run.Callback.Code!;

        var exchanges = await Task.WhenAll(Enumerable.Range(0, Copies).Select(async _ =>
        {
            using var response = await server.ExchangeCodeAsync(client, code, verifier);
            return await StatusAndJsonAsync(response);
        }));

        var tokens = Assert.Single(exchanges, exchange => exchange.Status == HttpStatusCode.OK).Body;
        Assert.All(exchanges.Where(exchange => exchange.Status != HttpStatusCode.OK), exchange =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, exchange.Status);
            Assert.Equal("invalid_grant", exchange.Body["error"]!.GetValue<string>());
            Assert.Null(exchange.Body["access_token"]);
        });
        // A copy that reads the code after the winner's commit is a replay, and revokes the winner's tokens as one
        // sent later would: whether the winner's tokens are still active here depends on the copies' timing.
        var access = tokens["access_token"]!.GetValue<string>();
        var refresh = tokens["refresh_token"]!.GetValue<string>();

        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GlintDbContext>();
            var rows = await db.OAuthTokens.AsNoTracking().Where(row => row.Subject == subject)
                .Select(row => new { row.Type, row.Status }).ToListAsync(TestContext.Current.CancellationToken);
            // Spent either way: redeemed by the winner, then revoked with its tokens if a late copy replayed it.
            Assert.Contains(Assert.Single(rows, row => row.Type == TokenTypeIdentifiers.Private.AuthorizationCode).Status, new[] { "redeemed", "revoked" });
            Assert.Single(rows, row => row.Type == TokenTypeIdentifiers.AccessToken);
            Assert.Single(rows, row => row.Type == TokenTypeIdentifiers.RefreshToken);
            Assert.Single(await db.AuditEvents.AsNoTracking()
                .Where(row => row.ClientId == client.Id && row.Action == AuditActions.TokenIssued)
                .ToListAsync(TestContext.Current.CancellationToken));
        }

        using var replay = await server.ExchangeCodeAsync(client, code, verifier);

        var (status, body) = await StatusAndJsonAsync(replay);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        Assert.False(await server.IsActiveAsync(access));
        Assert.False(await server.IsActiveAsync(refresh));
    }
}

public sealed class SqliteRedemptionWithItsRowsFlowTests(SqliteServerFixture server) : RedemptionWithItsRowsFlowTests<SqliteServerFixture>(server);

public sealed class PostgresRedemptionWithItsRowsFlowTests(PostgresServerFixture server) : RedemptionWithItsRowsFlowTests<PostgresServerFixture>(server);
