using System.Text.Json.Nodes;
using Glint.Server.Tests.Infrastructure;
using static Glint.Server.Tests.Cli.GlintCli;

namespace Glint.Server.Tests.Cli;

/// <summary><c>glint get jwks</c> against a running Glint: the admin API's public keys, as <c>hydra get jwks</c> prints them.</summary>
public sealed class KeyCommandsTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task GetJwks_PrintsThePublishedKeys_AsJsonAndAsATable()
    {
        var published = JsonNode.Parse(await server.Public.GetStringAsync("/.well-known/jwks.json"))!["keys"]!.AsArray();
        var kid = published[0]!["kid"]!.GetValue<string>();

        var json = await RunAsync(["get", "jwks", "hydra.openid.id-token", .. server.AdminEndpoint(), "--format", "json"]);
        Assert.True(json.Exit == 0, json.ToString());
        var keys = json.Json["keys"]!.AsArray();
        Assert.Equal(published.Select(key => key!["kid"]!.GetValue<string>()), keys.Select(key => key!["kid"]!.GetValue<string>()));
        Assert.All(keys, key => Assert.Null(key!["d"]));

        var table = await RunAsync(["get", "jwks", "hydra.openid.id-token", "hydra.jwt.access-token", .. server.AdminEndpoint()]);
        Assert.True(table.Exit == 0, table.ToString());
        var lines = table.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^SET ID\s+KEY ID\s+ALGORITHM\s+USE\s+TYPE$", lines[0]);
        Assert.Matches($@"^hydra\.openid\.id-token\s+{kid}\s+RS256\s+sig\s+RSA$", lines[1]);
        Assert.Contains(lines, line => line.StartsWith("hydra.jwt.access-token", StringComparison.Ordinal) && line.Contains(kid, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetJwks_OfAnUnknownSet_FailsWithTheAdminApisError()
    {
        var run = await RunAsync(["get", "jwks", "no-such-set", .. server.AdminEndpoint()]);

        Assert.Equal(1, run.Exit);
        Assert.Contains("/admin/keys/no-such-set answered 404", run.Error, StringComparison.Ordinal);
    }
}
