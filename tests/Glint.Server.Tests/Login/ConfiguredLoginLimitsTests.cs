using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Login;

/// <summary>A server whose operator tightened the codes per email to one and raised the codes per address to 20.</summary>
public sealed class SqliteConfiguredLoginServer : SqliteServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredLoginLimits.Values;
}

public sealed class PostgresConfiguredLoginServer : PostgresServerFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredLoginLimits.Values;
}

public static class ConfiguredLoginLimits
{
    public const int CodesPerIp = 20;

    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        [ConfigurationKeys.LoginCodesPerEmail] = "1",
        [ConfigurationKeys.LoginCodesPerIp] = "20",
    };
}

/// <summary>The <c>login:limits:*</c> settings reach the running server's email login, both ways from the defaults.</summary>
public abstract class ConfiguredLoginLimitsTests<TServer>(TServer server) : IClassFixture<TServer> where TServer : GlintServerFixture
{
    private async Task<HttpStatusCode> RequestCodeAsync(string email)
    {
        using var response = await server.Public.PostAsJsonAsync("/auth/email/code", new { email });
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Contains("Too many codes", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        return response.StatusCode;
    }

    /// <summary>One test, as both limits count the same codes from 127.0.0.1: per email first, then per address.</summary>
    [Fact]
    public async Task Codes_follow_the_configured_limits_below_and_above_the_defaults()
    {
        var email = LoginRules.NewEmail();
        Assert.Equal(HttpStatusCode.OK, await RequestCodeAsync(email));
        // The default would allow four codes per email and hour.
        Assert.Equal(HttpStatusCode.BadRequest, await RequestCodeAsync(email));

        var sent = 1;
        while (await RequestCodeAsync(LoginRules.NewEmail()) == HttpStatusCode.OK)
        {
            sent++;
            Assert.True(sent <= ConfiguredLoginLimits.CodesPerIp, "more codes than the configured limit were sent");
        }

        // The default would stop at 16 codes per address and hour.
        Assert.Equal(ConfiguredLoginLimits.CodesPerIp, sent);
    }
}

public sealed class SqliteConfiguredLoginLimitsTests(SqliteConfiguredLoginServer server) : ConfiguredLoginLimitsTests<SqliteConfiguredLoginServer>(server);

public sealed class PostgresConfiguredLoginLimitsTests(PostgresConfiguredLoginServer server) : ConfiguredLoginLimitsTests<PostgresConfiguredLoginServer>(server);
