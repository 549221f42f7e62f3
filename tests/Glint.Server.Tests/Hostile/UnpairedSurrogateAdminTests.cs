using System.Net;
using Glint.Server.Tests.Clients;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Hostile;

/// <summary>
/// An admin API body whose JSON escapes an unpaired UTF-16 surrogate (<c>"\ud800"</c> alone) is Hydra's 400 naming
/// the problem, wherever the string is (a typed field, free-form metadata or context, a key, a JSON Patch value), on
/// both databases; nothing is written and a challenge stays answerable.
/// </summary>
public abstract class UnpairedSurrogateAdminTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const string Named = "escapes an unpaired UTF-16 surrogate";

    private static void AssertRefused(AdminResponse response) =>
        ClientAdmin.AssertError(response, HttpStatusCode.BadRequest, ClientAdmin.Malformed, descriptionContains: Named);

    [Theory]
    [InlineData("""{"client_name":"a\ud800b"}""")]
    [InlineData("""{"metadata":{"note":"\udc00"}}""")]
    [InlineData("""{"metadata":{"\ud800":1}}""")]
    [InlineData("""{"metadata":{"pair":"\ud83d\ude00","half":"\ud83d\n"}}""")]
    [InlineData("""{"jwks":{"keys":[{"kty":"RSA","n":"AQAB","e":"\ud800\u0041"}]}}""")]
    public async Task ClientBodies_AreRefused_AndChangeNothing(string body)
    {
        var id = ClientAdmin.NewId("surrogate");
        var existing = await server.CreateAsync(new System.Text.Json.Nodes.JsonObject { ["client_id"] = id, ["client_name"] = "before" });
        existing.Remove("client_secret");

        AssertRefused(await server.PostClientAsync(body));
        AssertRefused(await server.Admin.SendAsync(HttpMethod.Put, $"/admin/clients/{id}", body));
        AssertRefused(await server.Admin.SendAsync(HttpMethod.Patch, $"/admin/clients/{id}",
            $$"""[{"op":"add","path":"/metadata","value":{{body}}}]"""));

        Assert.Equal(ClientAdmin.Canonical(existing), ClientAdmin.Canonical(await server.GetClientAsync(id)));
    }

    [Fact]
    public async Task APairedSurrogate_IsText_AndStored()
    {
        var created = await server.CreateAsync(ClientAdmin.Body("""{"client_name":"tip \ud83d\ude00","metadata":{"note":"\\ud800 as text"}}"""));

        Assert.Equal("tip \U0001F600", created["client_name"].Text());
        Assert.Equal("\\ud800 as text", created["metadata"]!["note"].Text());
    }

    [Fact]
    public async Task LoginAndConsentAnswers_AreRefused_AndTheChallengesStillWork()
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var login = $"/admin/oauth2/auth/requests/login/accept?login_challenge={Uri.EscapeDataString(challenge)}";

        AssertRefused(await server.Admin.SendAsync(HttpMethod.Put, login, """{"subject":"s","context":{"a":"\ud800"}}"""));
        AssertRefused(await server.Admin.SendAsync(HttpMethod.Put, login, """{"subject":"\udfff"}"""));

        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var consent = $"/admin/oauth2/auth/requests/consent/accept?consent_challenge={Uri.EscapeDataString(consentChallenge)}";

        AssertRefused(await server.Admin.SendAsync(HttpMethod.Put, consent, """{"grant_scope":["read"],"session":{"id_token":{"\ud800":"x"}}}"""));
        AssertRefused(await server.Admin.SendAsync(HttpMethod.Put, consent, """{"grant_scope":["read"],"session":{"access_token":{"claim":"\udc00"}}}"""));

        Assert.NotNull((await browser.FollowToClientAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } }))).Code);
    }
}

public sealed class SqliteUnpairedSurrogateAdminTests(SqliteServerFixture server) : UnpairedSurrogateAdminTests<SqliteServerFixture>(server);

public sealed class PostgresUnpairedSurrogateAdminTests(PostgresServerFixture server) : UnpairedSurrogateAdminTests<PostgresServerFixture>(server);
