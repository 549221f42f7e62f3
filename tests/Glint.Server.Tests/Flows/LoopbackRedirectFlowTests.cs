using System.Net;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Flows;

/// <summary>RFC 8252 §7.3: native apps on an ephemeral loopback port.</summary>
public abstract class LoopbackRedirectFlowTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task Authorize_LoopbackIpOnAnotherPort_IsTheRegisteredRedirect()
    {
        var client = await server.CreateCodeClientAsync(redirectUri: "http://127.0.0.1:9999/cb");
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["redirect_uri"] = "http://127.0.0.1:51234/cb";

        var challenge = await browser.StartAsync(query);

        Assert.False(string.IsNullOrEmpty(challenge));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9999/cb", "http://127.0.0.1:51234/other")]
    [InlineData("http://localhost:9999/cb", "http://localhost:51234/cb")]
    [InlineData("https://app.example/cb", "https://app.example:8443/cb")]
    public async Task Authorize_OtherPathOrNonLoopbackPort_IsRefused(string registered, string requested)
    {
        var client = await server.CreateCodeClientAsync(redirectUri: registered);
        using var browser = new BrowserSession(server);
        var query = BrowserSession.Query(client, "read", Pkce.NewVerifier());
        query["redirect_uri"] = requested;

        using var response = await browser.AuthorizeAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }
}

public sealed class SqliteLoopbackRedirectFlowTests(SqliteServerFixture server) : LoopbackRedirectFlowTests<SqliteServerFixture>(server);

public sealed class PostgresLoopbackRedirectFlowTests(PostgresServerFixture server) : LoopbackRedirectFlowTests<PostgresServerFixture>(server);
