using System.Net;
using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Flows.FlowCalls;

namespace Glint.Server.Tests.Flows;

/// <summary>Shared steps: a refresh token from a full flow, and the refresh grant's answers.</summary>
public static class RefreshSteps
{
    public static async Task<(FlowClient Client, JsonObject Tokens)> IssueAsync(GlintServerFixture server, string scope = "read offline")
    {
        var client = await server.CreateCodeClientAsync();
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, NewSubject(), scope, scope.Split(' '));
        var tokens = await server.TokensAsync(client, run);
        Assert.NotNull(tokens["refresh_token"]);
        return (client, tokens);
    }

    public static async Task<JsonObject> RefreshOkAsync(GlintServerFixture server, FlowClient client, JsonNode? refreshToken)
    {
        using var response = await server.RefreshAsync(client, refreshToken!.GetValue<string>());
        return await OkJsonAsync(response, "refresh");
    }

    public static async Task AssertInvalidGrantAsync(HttpResponseMessage response)
    {
        var (status, body) = await StatusAndJsonAsync(response);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400 invalid_grant, got {(int)status} {body.ToJsonString()}");
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
    }
}

/// <summary>The refresh grant with the default grace window (10s): rotation, and a rotated token still usable briefly.</summary>
public abstract class RefreshTokenFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    [Fact]
    public async Task Refresh_RotatesRefreshTokenAndIssuesActiveAccessToken()
    {
        var (client, first) = await RefreshSteps.IssueAsync(server);

        var second = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);

        Assert.NotEqual(first["refresh_token"]!.GetValue<string>(), second["refresh_token"]!.GetValue<string>());
        Assert.NotEqual(first["access_token"]!.GetValue<string>(), second["access_token"]!.GetValue<string>());
        Assert.StartsWith("glint_rt_", second["refresh_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["offline", "read"], second["scope"]!.GetValue<string>().Split(' ').Order(StringComparer.Ordinal));
        var access = await server.IntrospectAsync(second["access_token"]!.GetValue<string>());
        Assert.True(access["active"]!.GetValue<bool>());
        Assert.Equal(client.Id, access["client_id"]!.GetValue<string>());
        Assert.True(await server.IsActiveAsync(second["refresh_token"]!.GetValue<string>()));
        // The new refresh token works in turn.
        await RefreshSteps.RefreshOkAsync(server, client, second["refresh_token"]);
    }

    [Fact]
    public async Task Refresh_RevokesThePreviousAccessTokens()
    {
        var (client, first) = await RefreshSteps.IssueAsync(server);
        // Token dates have second precision: a new second keeps the tokens of each step apart.
        server.Clock.Advance(TimeSpan.FromMilliseconds(1100));

        var second = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);
        server.Clock.Advance(TimeSpan.FromMilliseconds(1100));
        var third = await RefreshSteps.RefreshOkAsync(server, client, second["refresh_token"]);

        Assert.False(await server.IsActiveAsync(first["access_token"]!.GetValue<string>()));
        Assert.False(await server.IsActiveAsync(second["access_token"]!.GetValue<string>()));
        Assert.True(await server.IsActiveAsync(third["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_ReusedInsideGraceWindow_KeepsTheAccessTokenOfTheFirstUse()
    {
        var (client, first) = await RefreshSteps.IssueAsync(server);
        server.Clock.Advance(TimeSpan.FromMilliseconds(1100));

        var second = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);
        var again = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);

        Assert.True(await server.IsActiveAsync(second["access_token"]!.GetValue<string>()));
        Assert.True(await server.IsActiveAsync(again["access_token"]!.GetValue<string>()));
        Assert.False(await server.IsActiveAsync(first["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_KeepsSubjectAndConsentExtra()
    {
        var client = await server.CreateCodeClientAsync();
        var subject = NewSubject();
        using var browser = new BrowserSession(server);
        var run = await browser.RunToCodeAsync(client, subject, "read offline", ["read", "offline"], new { access_token = new { tier = "gold" } });
        var tokens = await server.TokensAsync(client, run);

        var refreshed = await RefreshSteps.RefreshOkAsync(server, client, tokens["refresh_token"]);
        var access = await server.IntrospectAsync(refreshed["access_token"]!.GetValue<string>());

        Assert.Equal(subject, access["sub"]!.GetValue<string>());
        Assert.Equal("""{"tier":"gold"}""", access["ext"]!.ToJsonString());
    }

    [Fact]
    public async Task Refresh_WithOpenid_IssuesNewIdToken()
    {
        var (client, first) = await RefreshSteps.IssueAsync(server, "openid offline read");

        var second = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);

        Assert.NotNull(first["id_token"]);
        var idToken = JwtPayload(second["id_token"]!.GetValue<string>());
        Assert.Equal(JwtPayload(first["id_token"]!.GetValue<string>())["sub"]!.GetValue<string>(), idToken["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task Refresh_ReusedInsideGraceWindow_Succeeds()
    {
        var (client, first) = await RefreshSteps.IssueAsync(server);

        var second = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);
        var again = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);

        Assert.True(await server.IsActiveAsync(again["access_token"]!.GetValue<string>()));
        Assert.True(await server.IsActiveAsync(second["refresh_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_ByAnotherClient_IsInvalidGrant()
    {
        var (_, tokens) = await RefreshSteps.IssueAsync(server);
        var other = await server.CreateCodeClientAsync();

        using var response = await server.RefreshAsync(other, tokens["refresh_token"]!.GetValue<string>());

        await RefreshSteps.AssertInvalidGrantAsync(response);
        Assert.True(await server.IsActiveAsync(tokens["refresh_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Refresh_WithAccessToken_IsInvalidGrant()
    {
        var (client, tokens) = await RefreshSteps.IssueAsync(server);

        using var response = await server.RefreshAsync(client, tokens["access_token"]!.GetValue<string>());

        await RefreshSteps.AssertInvalidGrantAsync(response);
    }

    [Fact]
    public async Task Refresh_UnknownToken_IsInvalidGrant()
    {
        var client = await server.CreateCodeClientAsync();

        using var response = await server.RefreshAsync(client, "glint_rt_" + Pkce.NewVerifier());

        await RefreshSteps.AssertInvalidGrantAsync(response);
    }
}

public sealed class SqliteRefreshTokenFlowTests(SqliteClockedServer server) : RefreshTokenFlowTests<SqliteClockedServer>(server);

public sealed class PostgresRefreshTokenFlowTests(PostgresClockedServer server) : RefreshTokenFlowTests<PostgresClockedServer>(server);

/// <summary>The refresh grant without a grace window: a rotated refresh token presented again is a replay.</summary>
public abstract class StrictRefreshRotationFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture, IClockedServer
{
    [Fact]
    public async Task Refresh_ReusedAfterRotation_IsInvalidGrantAndRevokesWholeChain()
    {
        var (client, first) = await RefreshSteps.IssueAsync(server);
        var second = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);
        server.Clock.Advance(TimeSpan.FromSeconds(1));

        using var reuse = await server.RefreshAsync(client, first["refresh_token"]!.GetValue<string>());

        await RefreshSteps.AssertInvalidGrantAsync(reuse);
        Assert.False(await server.IsActiveAsync(second["refresh_token"]!.GetValue<string>()));
        Assert.False(await server.IsActiveAsync(second["access_token"]!.GetValue<string>()));
        Assert.False(await server.IsActiveAsync(first["access_token"]!.GetValue<string>()));
        using var newest = await server.RefreshAsync(client, second["refresh_token"]!.GetValue<string>());
        await RefreshSteps.AssertInvalidGrantAsync(newest);
    }

    [Fact]
    public async Task Refresh_Rotation_StillWorksForTheNewestToken()
    {
        var (client, first) = await RefreshSteps.IssueAsync(server);

        var second = await RefreshSteps.RefreshOkAsync(server, client, first["refresh_token"]);
        var third = await RefreshSteps.RefreshOkAsync(server, client, second["refresh_token"]);

        Assert.True(await server.IsActiveAsync(third["access_token"]!.GetValue<string>()));
        Assert.False(await server.IsActiveAsync(first["refresh_token"]!.GetValue<string>()));
    }
}

public sealed class SqliteStrictRefreshRotationFlowTests(SqliteStrictRefreshServer server) : StrictRefreshRotationFlowTests<SqliteStrictRefreshServer>(server);

public sealed class PostgresStrictRefreshRotationFlowTests(PostgresStrictRefreshServer server) : StrictRefreshRotationFlowTests<PostgresStrictRefreshServer>(server);
