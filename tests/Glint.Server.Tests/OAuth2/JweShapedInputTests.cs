using System.Net;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// A JWT of five segments whose second is not base64url (<see cref="DpopTestData.JweShaped"/>) is malformed client
/// input wherever a JWT is read before it is verified: refused in the endpoint's own terms, never a server error.
/// The DPoP header's cases are in <see cref="DpopTests{TServer}"/>.
/// </summary>
public abstract class JweShapedInputTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData("/oauth2/token", false)]
    [InlineData("/oauth2/token", true)]
    [InlineData("/oauth2/revoke", false)]
    [InlineData("/oauth2/revoke", true)]
    [InlineData("/oauth2/device/auth", false)]
    [InlineData("/oauth2/device/auth", true)]
    [InlineData("/oauth2/par", true)]
    public async Task ClientAssertion_IsInvalidClient(string path, bool withClientId)
    {
        using var key = new ClientKey();
        var clientId = await server.CreateKeyClientAsync(key.KeySet());
        var form = new Dictionary<string, string>
        {
            ["client_assertion_type"] = PrivateKeyJwtCalls.AssertionType,
            ["client_assertion"] = DpopTestData.JweShaped,
            ["scope"] = "read",
        };
        if (withClientId)
        {
            form["client_id"] = clientId;
        }

        switch (path)
        {
            case "/oauth2/token":
                form["grant_type"] = "client_credentials";
                break;
            case "/oauth2/revoke":
                form["token"] = "glint_at_some-token";
                break;
            case "/oauth2/par":
                form["response_type"] = "code";
                form["redirect_uri"] = "http://127.0.0.1:9999/cb";
                break;
        }

        using var response = await server.Public.PostAsync(path, new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);

        await PrivateKeyJwtCalls.AssertInvalidClientAsync(response, "client");
    }

    [Fact]
    public async Task ClientAssertion_AtThePushedAuthorizationEndpointWithoutClientId_IsInvalidRequest()
    {
        using var response = await server.Public.PostAsync("/oauth2/par", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_assertion_type"] = PrivateKeyJwtCalls.AssertionType,
            ["client_assertion"] = DpopTestData.JweShaped,
            ["response_type"] = "code",
        }), TestContext.Current.CancellationToken);

        // RFC 9126 §2.1: the pushed request names its client; without client_id it is malformed before anyone is authenticated.
        await DpopCalls.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "client_id");
    }

    [Fact]
    public async Task IdTokenHint_AtLogout_IsAnErrorPage()
    {
        using var browser = new BrowserSession(server);

        using var response = await browser.GetAsync($"/oauth2/sessions/logout?id_token_hint={DpopTestData.JweShaped}&state=s1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("id_token_hint")]
    [InlineData("request")]
    public async Task AuthorizationRequestParameter_IsRefusedNotFailed(string parameter)
    {
        var client = await server.CreateCodeClientAsync(scope: "openid read");
        var query = BrowserSession.Query(client, "openid read", Pkce.NewVerifier());
        query[parameter] = DpopTestData.JweShaped;
        using var browser = new BrowserSession(server);

        using var response = await browser.GetAsync(QueryHelpers.AddQueryString("/oauth2/auth", query.Where(pair => pair.Value is not null)));

        Assert.True((int)response.StatusCode is >= 300 and < 500, $"{parameter}: {(int)response.StatusCode}");
    }
}

public sealed class SqliteJweShapedInputTests(SqliteServerFixture server) : JweShapedInputTests<SqliteServerFixture>(server);

public sealed class PostgresJweShapedInputTests(PostgresServerFixture server) : JweShapedInputTests<PostgresServerFixture>(server);
