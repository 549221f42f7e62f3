using Glint.Server.Tests.Api;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Callbacks;

/// <summary>With the defaults (no plain http, no private targets), URLs that could reach the server's own network are refused.</summary>
public abstract class CallbackUrlRulesTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Theory]
    [InlineData("http://example.com/hook", "https")]
    [InlineData("ftp://example.com/hook", "absolute https URL")]
    [InlineData("/relative/hook", "absolute https URL")]
    [InlineData("https://127.0.0.1/hook", "loopback, private")]
    [InlineData("https://localhost:8443/hook", "loopback, private")]
    [InlineData("https://[::1]/hook", "loopback, private")]
    [InlineData("https://10.1.2.3/hook", "loopback, private")]
    [InlineData("https://192.168.0.10/hook", "loopback, private")]
    [InlineData("https://172.20.0.1/hook", "loopback, private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "loopback, private")]
    [InlineData("https://[fe80::1]/hook", "loopback, private")]
    [InlineData("https://[::ffff:127.0.0.1]/hook", "loopback, private")]
    [InlineData("https://0.0.0.0/hook", "loopback, private")]
    [InlineData("https://user:pass@example.com/hook", "user name or password")]
    public async Task A_url_breaking_a_rule_is_refused_with_a_clear_error(string url, string rule)
    {
        var user = await server.NewUserAsync();

        var refused = await server.AddEndpointAsync(user.Token, url);

        Assert.Null(refused["id"]);
        var error = Assert.Single(refused["errors"]!.AsArray())!;
        Assert.Equal("INVALID_INPUT", error["code"].Str());
        Assert.StartsWith("url", error["message"].Str(), StringComparison.Ordinal);
        Assert.Contains(rule, error["message"].Str(), StringComparison.Ordinal);
        Assert.Empty(await server.EndpointsAsync(user.Token));
    }

    [Fact]
    public async Task A_url_longer_than_2048_characters_is_refused()
    {
        var user = await server.NewUserAsync();

        var refused = await server.AddEndpointAsync(user.Token, "https://93.184.215.14/" + new string('a', 2048));

        Assert.Contains("at most 2048 characters", Assert.Single(refused["errors"]!.AsArray())!["message"].Str(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_https_url_is_accepted()
    {
        var user = await server.NewUserAsync();

        // An address literal, so the test does not depend on DNS.
        var id = await server.AddAcceptedEndpointAsync(user.Token, "https://93.184.215.14/hook");

        Assert.Equal(id.ToString("D"), Assert.Single(await server.EndpointsAsync(user.Token)).Id);
    }
}

public sealed class SqliteCallbackUrlRulesTests(SqliteServerFixture server) : CallbackUrlRulesTests<SqliteServerFixture>(server);

public sealed class PostgresCallbackUrlRulesTests(PostgresServerFixture server) : CallbackUrlRulesTests<PostgresServerFixture>(server);
