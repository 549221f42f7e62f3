using System.Net;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Verifier and code redemptions are committed together with the node's other writes in flight (one transaction for
/// many requests). Many flows redeem at the same moment, each of its verifiers and its code sent several times at
/// once: every verifier and code redeems exactly once, and the redemptions that lose fail only their own request,
/// never the flows they shared a commit with.
/// </summary>
public abstract class RedemptionBatchFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const int Flows = 8;
    private const int Copies = 3;

    [Fact]
    public async Task VerifiersAndCodes_RedeemedManyTimesAtOnce_EachRedeemOnceAndEveryFlowFinishes()
    {
        var client = await server.CreateCodeClientAsync();
        var browsers = Enumerable.Range(0, Flows).Select(_ => new BrowserSession(server)).ToArray();
        try
        {
            var verifiers = browsers.Select(_ => Pkce.NewVerifier()).ToArray();
            var afterLogin = await Task.WhenAll(browsers.Select(async (browser, i) =>
                await server.AcceptLoginAsync(await browser.StartAsync(BrowserSession.Query(client, "read", verifiers[i])), new { subject = NewSubject() })));

            var logins = await AllAtOnceAsync(browsers, afterLogin);

            var afterConsent = await Task.WhenAll(logins.Select(async (responses, i) =>
            {
                var toConsent = Assert.Single(responses, response => response.Headers.Location!.AbsolutePath == "/consent");
                Assert.All(responses.Where(response => response != toConsent), response =>
                    Assert.Equal("access_denied", new ClientCallback(response.Headers.Location!).Error));
                var challenge = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(toConsent.Headers.Location!.Query)["consent_challenge"].ToString();
                return await server.AcceptConsentAsync(challenge, new { grant_scope = new[] { "read" } });
            }));

            var consents = await AllAtOnceAsync(browsers, afterConsent);

            var codes = consents.Select(responses =>
            {
                var callbacks = responses.Select(response => new ClientCallback(response.Headers.Location!)).ToList();
                Assert.All(callbacks.Where(callback => callback.Code is null), callback => Assert.Equal("access_denied", callback.Error));
                return Assert.Single(callbacks, callback => callback.Code is not null).Code!;
            }).ToArray();

            var exchanges = await Task.WhenAll(codes.SelectMany((code, i) =>
                Enumerable.Range(0, Copies).Select(async _ =>
                {
                    using var response = await server.ExchangeCodeAsync(client, code, verifiers[i]);
                    var (status, body) = await StatusAndJsonAsync(response);
                    return (Flow: i, Status: status, Error: body["error"]?.GetValue<string>());
                })));

            foreach (var flow in exchanges.GroupBy(exchange => exchange.Flow))
            {
                Assert.Single(flow, exchange => exchange.Status == HttpStatusCode.OK);
                Assert.All(flow.Where(exchange => exchange.Status != HttpStatusCode.OK), exchange =>
                {
                    Assert.Equal(HttpStatusCode.BadRequest, exchange.Status);
                    Assert.Equal("invalid_grant", exchange.Error);
                });
            }
        }
        finally
        {
            foreach (var browser in browsers)
            {
                browser.Dispose();
            }
        }
    }

    /// <summary>Every flow's URL, <see cref="Copies"/> times each, all sent at once; each answer must redirect.</summary>
    private static async Task<HttpResponseMessage[][]> AllAtOnceAsync(BrowserSession[] browsers, string[] urls)
    {
        var responses = await Task.WhenAll(browsers.Select((browser, i) =>
            Task.WhenAll(Enumerable.Range(0, Copies).Select(_ => browser.GetAsync(new Uri(urls[i]).PathAndQuery)))));
        foreach (var response in responses.SelectMany(copies => copies))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Found,
                $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        return responses;
    }
}

public sealed class SqliteRedemptionBatchFlowTests(SqliteServerFixture server) : RedemptionBatchFlowTests<SqliteServerFixture>(server);

public sealed class PostgresRedemptionBatchFlowTests(PostgresServerFixture server) : RedemptionBatchFlowTests<PostgresServerFixture>(server);
