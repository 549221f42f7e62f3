using System.Text;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hostile;

/// <summary>An operator's body limits: forms of at most 2 KB, admin bodies of at most 3 MB.</summary>
public static class ConfiguredBodyLimits
{
    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>
    {
        [ConfigurationKeys.FormBodyLimit] = "2048",
        [ConfigurationKeys.AdminBodyLimit] = "3145728",
    };
}

public sealed class SqliteConfiguredBodyLimitServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredBodyLimits.Values;
}

public sealed class PostgresConfiguredBodyLimitServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredBodyLimits.Values;
}

public abstract class ConfiguredBodyLimitTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    [Fact]
    public async Task ALowerFormLimit_RefusesLargerForms_InTheProtocolsFormat()
    {
        var response = await RawHttp.SendAsync(server.PublicPort, "POST", "/oauth2/token", "application/x-www-form-urlencoded",
            Encoding.ASCII.GetBytes("grant_type=client_credentials&scope=" + new string('s', 3000)));

        Assert.Equal(413, response.Status);
        Assert.Contains("\"error\":\"invalid_request\"", response.Body, StringComparison.Ordinal);
        Assert.Contains("2048 bytes", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHigherAdminLimit_AcceptsLargerBodies_BeyondTheServersDefault()
    {
        // 2 MB: over Kestrel's limit for endpoints without one of their own (1 MB), under the configured 3 MB.
        var body = Encoding.ASCII.GetBytes("{\"client_name\":\"big\",\"ignored\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");

        var response = await RawHttp.SendAsync(server.AdminPort, "POST", "/admin/clients", "application/json", body);

        Assert.True(response.Status == 201, response.Describe());
    }
}

public sealed class SqliteConfiguredBodyLimitTests(SqliteConfiguredBodyLimitServer server) : ConfiguredBodyLimitTests<SqliteConfiguredBodyLimitServer>(server);

public sealed class PostgresConfiguredBodyLimitTests(PostgresConfiguredBodyLimitServer server) : ConfiguredBodyLimitTests<PostgresConfiguredBodyLimitServer>(server);
