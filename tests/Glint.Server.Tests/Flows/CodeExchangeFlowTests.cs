using System.Net;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary><c>grant_type=authorization_code</c>: PKCE, the redirect URI, the client, and single use of the code.</summary>
public abstract class CodeExchangeFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private static async Task AssertTokenErrorAsync(HttpResponseMessage response, string error)
    {
        var (status, body) = await StatusAndJsonAsync(response);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400 {error}, got {(int)status} {body.ToJsonString()}");
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.Null(body["access_token"]);
    }

    /// <summary>A code obtained with <paramref name="verifier"/> as PKCE verifier (none when null).</summary>
    private async Task<string> CodeAsync(FlowClient client, string? verifier, string scope = "read offline")
    {
        using var browser = new BrowserSession(server);
        var run = await browser.RunAsync(BrowserSession.Query(client, scope, verifier), new { subject = NewSubject() }, new { grant_scope = scope.Split(' ') }, verifier);
        Assert.NotNull(run.Callback.Code);
        return run.Callback.Code!;
    }

    [Fact]
    public async Task PublicClient_WithPkce_ExchangesCodeWithoutSecret()
    {
        var client = await server.CreateCodeClientAsync(authMethod: "none");
        var verifier = Pkce.NewVerifier();

        using var response = await server.ExchangeCodeAsync(client, await CodeAsync(client, verifier), verifier);
        var tokens = await OkJsonAsync(response, "public client exchange");

        Assert.Null(client.Secret);
        Assert.NotNull(tokens["access_token"]);
        Assert.NotNull(tokens["refresh_token"]);
    }

    [Fact]
    public async Task Exchange_WithWrongVerifier_IsInvalidGrant()
    {
        var client = await server.CreateCodeClientAsync();
        var code = await CodeAsync(client, Pkce.NewVerifier());

        using var response = await server.ExchangeCodeAsync(client, code, Pkce.NewVerifier());

        await AssertTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_ChallengeSentButNoVerifier_IsInvalidGrant()
    {
        var client = await server.CreateCodeClientAsync();
        var code = await CodeAsync(client, Pkce.NewVerifier());

        using var response = await server.ExchangeCodeAsync(client, code, verifier: null);

        await AssertTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_VerifierSentButNoChallengeUsed_IsRefused()
    {
        var client = await server.CreateCodeClientAsync();
        var code = await CodeAsync(client, verifier: null);

        using var response = await server.ExchangeCodeAsync(client, code, Pkce.NewVerifier());
        var (status, body) = await StatusAndJsonAsync(response);

        // Hydra answers invalid_grant; refused is what matters (RFC 9700 §2.1.1: no PKCE downgrade).
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(body["error"]!.GetValue<string>(), (string[])["invalid_grant", "invalid_request"]);
        Assert.Null(body["access_token"]);
    }

    [Fact]
    public async Task Exchange_WithoutPkceForConfidentialClient_Succeeds()
    {
        var client = await server.CreateCodeClientAsync();

        using var response = await server.ExchangeCodeAsync(client, await CodeAsync(client, verifier: null), verifier: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Exchange_WithOtherRedirectUri_IsInvalidGrant()
    {
        var client = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        var code = await CodeAsync(client, verifier);

        using var response = await server.ExchangeCodeAsync(client, code, verifier, redirectUri: "http://127.0.0.1:9999/other");

        await AssertTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_ByAnotherClient_IsInvalidGrant()
    {
        var client = await server.CreateCodeClientAsync();
        var other = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        var code = await CodeAsync(client, verifier);

        using var response = await server.ExchangeCodeAsync(other, code, verifier);

        await AssertTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_AfterTheConsentWasRevoked_IsInvalidGrant()
    {
        var client = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var run = await browser.RunAsync(BrowserSession.Query(client, "read", verifier), new { subject }, new { grant_scope = new[] { "read" } }, verifier);
        using (var revoke = await server.Admin.DeleteAsync($"/admin/oauth2/auth/sessions/consent?subject={subject}&client={client.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        // The code's authorization is read with the code: it must be the revoked one, not a copy from before.
        using var response = await server.ExchangeCodeAsync(client, run.Callback.Code!, verifier);

        await AssertTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_UnknownCode_IsInvalidGrant()
    {
        var client = await server.CreateCodeClientAsync();

        using var response = await server.ExchangeCodeAsync(client, "glint_ac_" + Pkce.NewVerifier(), Pkce.NewVerifier());

        await AssertTokenErrorAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_ClientWithoutAuthorizationCodeGrant_IsUnauthorizedClient()
    {
        // Hydra issues the code (the authorization endpoint does not look at grant types); the exchange is refused.
        var client = await server.CreateCodeClientAsync(grantTypes: ["client_credentials"]);
        var verifier = Pkce.NewVerifier();
        var code = await CodeAsync(client, verifier, "read");

        using var response = await server.ExchangeCodeAsync(client, code, verifier);

        await AssertTokenErrorAsync(response, "unauthorized_client");
    }

    [Fact]
    public async Task Exchange_CodeReplayed_IsInvalidGrantAndRevokesFirstTokens()
    {
        var client = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        var code = await CodeAsync(client, verifier);
        using var first = await server.ExchangeCodeAsync(client, code, verifier);
        var tokens = await OkJsonAsync(first, "first exchange");
        var access = tokens["access_token"]!.GetValue<string>();
        var refresh = tokens["refresh_token"]!.GetValue<string>();
        Assert.True(await server.IsActiveAsync(access));

        using var replay = await server.ExchangeCodeAsync(client, code, verifier);

        await AssertTokenErrorAsync(replay, "invalid_grant");
        Assert.False(await server.IsActiveAsync(access));
        Assert.False(await server.IsActiveAsync(refresh));
        using var refreshed = await server.RefreshAsync(client, refresh);
        await AssertTokenErrorAsync(refreshed, "invalid_grant");
    }

    [Fact]
    public async Task Exchange_CodeReplayed_LeavesOtherGrantsOfTheUserAlone()
    {
        var client = await server.CreateCodeClientAsync();
        var verifier = Pkce.NewVerifier();
        var code = await CodeAsync(client, verifier);
        var otherVerifier = Pkce.NewVerifier();
        using var other = await server.ExchangeCodeAsync(client, await CodeAsync(client, otherVerifier), otherVerifier);
        var otherAccess = (await OkJsonAsync(other, "other exchange"))["access_token"]!.GetValue<string>();
        using var first = await server.ExchangeCodeAsync(client, code, verifier);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var replay = await server.ExchangeCodeAsync(client, code, verifier);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.True(await server.IsActiveAsync(otherAccess));
    }
}

public sealed class SqliteCodeExchangeFlowTests(SqliteServerFixture server) : CodeExchangeFlowTests<SqliteServerFixture>(server);

public sealed class PostgresCodeExchangeFlowTests(PostgresServerFixture server) : CodeExchangeFlowTests<PostgresServerFixture>(server);
