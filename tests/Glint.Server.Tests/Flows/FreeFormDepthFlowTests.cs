using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Clients;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// The free-form values of the login and consent answers nest at most 32 levels, as client metadata does: deeper is
/// Hydra's 400 naming the field, and a value at the limit travels through the flow into every document that repeats it.
/// </summary>
public abstract class FreeFormDepthFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private const int Deepest = 32;

    private static JsonNode Nested(int levels) => JsonNode.Parse(ClientLimitCases.Nested(levels))!;

    private static async Task AssertTooDeepAsync(HttpResponseMessage response, string field)
    {
        var (status, body) = await StatusAndJsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        Assert.Equal($"Field '{field}' must nest at most {Deepest} levels deep.", body["error_description"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Deepest + 1)]
    [InlineData(62)]
    public async Task LoginAccept_WithAContextTooDeep_IsBadRequest_AndTheChallengeStillWorks(int levels)
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));

        using var response = await server.Admin.PutAsync($"/admin/oauth2/auth/requests/login/accept?login_challenge={Uri.EscapeDataString(challenge)}",
            HydraClientCalls.Json(new { subject = NewSubject(), context = Nested(levels) }));

        await AssertTooDeepAsync(response, "context");
        await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
    }

    [Theory]
    [InlineData("context", Deepest + 1)]
    [InlineData("session.id_token", Deepest + 1)]
    [InlineData("session.id_token", 61)]
    [InlineData("session.access_token", Deepest + 1)]
    [InlineData("session.access_token", 61)]
    public async Task ConsentAccept_WithAValueTooDeep_IsBadRequest_AndTheChallengeStillWorks(string field, int levels)
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var challenge = await browser.StartAsync(BrowserSession.Query(client, "read", Pkce.NewVerifier()));
        var consentChallenge = await browser.FollowToConsentAsync(await server.AcceptLoginAsync(challenge, new { subject = NewSubject() }));
        var body = new JsonObject { ["grant_scope"] = new JsonArray("read") };
        if (field == "context")
        {
            body["context"] = Nested(levels);
        }
        else
        {
            body["session"] = new JsonObject { [field["session.".Length..]] = Nested(levels) };
        }

        using var response = await server.Admin.PutAsync(
            $"/admin/oauth2/auth/requests/consent/accept?consent_challenge={Uri.EscapeDataString(consentChallenge)}", HydraClientCalls.Json(body.ToJsonString()));

        await AssertTooDeepAsync(response, field);
        Assert.NotNull((await browser.FollowToClientAsync(await server.AcceptConsentAsync(consentChallenge, new { grant_scope = new[] { "read" } }))).Code);
    }

    [Fact]
    public async Task ValuesAtTheDeepest_TravelToTheConsentRequest_Tokens_Introspection_Userinfo_AndConsentSessions()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        var deepest = Nested(Deepest);
        // {"claim": …} is one level more than the claim itself.
        var claim = Nested(Deepest - 1);
        using var browser = new BrowserSession(server);
        var verifier = Pkce.NewVerifier();

        var run = await browser.RunAsync(BrowserSession.Query(client, "openid read", verifier),
            new { subject, context = deepest },
            new
            {
                grant_scope = new[] { "openid", "read" },
                remember = true,
                context = deepest,
                session = new { id_token = new { claim }, access_token = new { claim } },
            },
            verifier);
        var tokens = await server.TokensAsync(client, run);
        var introspected = await server.IntrospectAsync(tokens["access_token"]!.GetValue<string>());
        using var userinfo = await server.UserinfoAsync(tokens["access_token"]!.GetValue<string>());
        using var sessions = await server.Admin.GetAsync($"/admin/oauth2/auth/sessions/consent?subject={Uri.EscapeDataString(subject)}");

        Assert.True(JsonNode.DeepEquals(deepest, run.ConsentRequest["context"]));
        Assert.True(JsonNode.DeepEquals(claim, JwtPayload(tokens["id_token"]!.GetValue<string>())["claim"]));
        Assert.True(JsonNode.DeepEquals(claim, introspected["ext"]!["claim"]));
        Assert.True(JsonNode.DeepEquals(claim, (await OkJsonAsync(userinfo, "userinfo"))["claim"]));
        Assert.Equal(HttpStatusCode.OK, sessions.StatusCode);
        var session = JsonNode.Parse(await sessions.Content.ReadAsStringAsync())!.AsArray().Single()!;
        Assert.True(JsonNode.DeepEquals(deepest, session["context"]));
        Assert.True(JsonNode.DeepEquals(claim, session["session"]!["id_token"]!["claim"]));
    }
}

public sealed class SqliteFreeFormDepthFlowTests(SqliteServerFixture server) : FreeFormDepthFlowTests<SqliteServerFixture>(server);

public sealed class PostgresFreeFormDepthFlowTests(PostgresServerFixture server) : FreeFormDepthFlowTests<PostgresServerFixture>(server);
