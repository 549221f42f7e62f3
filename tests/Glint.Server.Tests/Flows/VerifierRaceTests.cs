using System.Net;
using Glint.Data;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Two nodes on one PostgreSQL database, and one browser that sends the same verifier to both at once (a double
/// click behind a load balancer, or a replay): the verifier redeems once, the other node answers as for a used one;
/// and the same for the code, exchanged on both nodes at once.
/// </summary>
public sealed class PostgresVerifierRaceTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private GlintNode[] _nodes = [];

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseKind.Postgres);
        _nodes = await GlintNode.StartAllAsync(_database.Dsn, 2);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Verifiers_SentToTwoNodesAtOnce_EachRedeemOnce()
    {
        var (first, second) = (_nodes[0], _nodes[1]);
        var client = await first.CreateCodeClientAsync();
        using var browser = new BrowserSession(first);
        // The same browser towards the second node: it sends the browser's cookies and keeps what the node sets.
        using var viaSecond = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = second.Public.BaseAddress,
        };

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var verifier = Pkce.NewVerifier();
            var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", verifier));
            var afterLogin = PathAndQuery(await first.AcceptLoginAsync(challenge, new { subject = NewSubject() }));

            var login = await BothAsync(browser, viaSecond, afterLogin);

            var toConsent = Assert.Single(login, response => response.Headers.Location!.AbsolutePath == "/consent");
            var refused = new ClientCallback(Assert.Single(login, response => response != toConsent).Headers.Location!);
            Assert.Equal("access_denied", refused.Error);
            var consentChallenge = QueryHelpers.ParseQuery(toConsent.Headers.Location!.Query)["consent_challenge"].ToString();
            var afterConsent = PathAndQuery(await first.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } }));

            var consent = await BothAsync(browser, viaSecond, afterConsent);

            var callbacks = consent.Select(response => new ClientCallback(response.Headers.Location!)).ToList();
            var code = Assert.Single(callbacks, callback => callback.Code is not null).Code!;
            Assert.Equal("access_denied", Assert.Single(callbacks, callback => callback.Code is null).Error);

            // The code, exchanged on both nodes at once: one answer has tokens, the other invalid_grant.
            var exchanges = await Task.WhenAll(_nodes.Select(async node =>
            {
                using var response = await node.ExchangeCodeAsync(client, code, verifier);
                return await StatusAndJsonAsync(response);
            }));
            Assert.Single(exchanges, exchange => exchange.Status == HttpStatusCode.OK);
            var reused = Assert.Single(exchanges, exchange => exchange.Status != HttpStatusCode.OK);
            Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
            Assert.Equal("invalid_grant", reused.Body["error"]!.GetValue<string>());
        }
    }

    /// <summary>The same GET, with the same cookies, on both nodes at the same moment; both must redirect.</summary>
    private static async Task<HttpResponseMessage[]> BothAsync(BrowserSession browser, HttpClient viaSecond, string pathAndQuery)
    {
        var origin = viaSecond.BaseAddress!;
        using var second = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        second.Headers.Add("Cookie", browser.Cookies.GetCookieHeader(origin));
        var responses = await Task.WhenAll(browser.GetAsync(pathAndQuery), viaSecond.SendAsync(second, TestContext.Current.CancellationToken));
        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Found, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }

        if (responses[1].Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                browser.Cookies.SetCookies(origin, cookie);
            }
        }

        return responses;
    }

    private static string PathAndQuery(string url) => new Uri(url).PathAndQuery;
}
