using System.Collections;
using Glint.Data;
using Glint.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Glint.Server.Tests.Hosting;

public sealed class ServerSettingsTests
{
    private static ServerSettings Read(Dictionary<string, string?> flags, Hashtable? environment = null) =>
        ServerSettings.Read(GlintConfiguration.Build(flags, environment ?? [], Path.GetTempPath()));

    [Fact]
    public void Defaults_AreLoopbackSqliteAndDevelopmentSecret()
    {
        var settings = Read([]);

        Assert.Equal("127.0.0.1", settings.PublicHost);
        Assert.Equal(4444, settings.PublicPort);
        Assert.Equal("127.0.0.1", settings.AdminHost);
        Assert.Equal(4445, settings.AdminPort);
        Assert.Equal(new Uri("http://127.0.0.1:4444"), settings.Auth.Issuer);
        Assert.Equal(DatabaseKind.Sqlite, settings.Dsn.Kind);
        Assert.Equal("glint.db", settings.Dsn.Target);
        Assert.True(settings.UsesDevelopmentSecret);
        Assert.Equal(TimeSpan.FromHours(1), settings.Auth.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromHours(720), settings.Auth.RefreshTokenLifetime);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.Auth.AuthorizationCodeLifetime);
    }

    [Fact]
    public void HydraEnvironmentVariables_AreRead_AndGlintNamesWin()
    {
        var settings = Read([], new Hashtable
        {
            ["DSN"] = "postgres://u:p@db:5432/hydra",
            ["GLINT_DSN"] = "postgres://u:p@db:5432/glint",
            ["SECRETS_SYSTEM"] = "a-secret-of-at-least-16",
            ["TTL_ACCESS_TOKEN"] = "30m",
        });

        Assert.Equal(DatabaseKind.Postgres, settings.Dsn.Kind);
        Assert.Contains("/glint", settings.Dsn.Target, StringComparison.Ordinal);
        Assert.False(settings.UsesDevelopmentSecret);
        Assert.Equal(TimeSpan.FromMinutes(30), settings.Auth.AccessTokenLifetime);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("t", true)]
    [InlineData("0", false)]
    [InlineData("False", false)]
    public void Switches_TakeTheSpellingsOperatorsUse(string value, bool expected)
    {
        var settings = Read([], new Hashtable { ["GLINT_DEV"] = value, ["OAUTH2_PKCE_ENFORCED"] = value });

        Assert.Equal(expected, settings.Dev);
        Assert.Equal(expected, settings.Auth.PkceEnforced);
    }

    [Fact]
    public void Switch_WithAnotherValue_StopsTheStartNamingTheSetting()
    {
        var error = Assert.Throws<SettingsException>(() => Read([], new Hashtable { ["OAUTH2_PKCE_ENFORCED"] = "yes please" }));

        Assert.Equal("oauth2.pkce.enforced must be true or false, not 'yes please'.", error.Message);
    }

    [Fact]
    public void Flags_WinOverEnvironment()
    {
        var settings = Read(new() { [ConfigurationKeys.PublicPort] = "9000" }, new Hashtable { ["SERVE_PUBLIC_PORT"] = "8000" });
        Assert.Equal(9000, settings.PublicPort);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), settings.Auth.Issuer);
    }

    [Fact]
    public void HttpIssuer_OnNonLoopbackHost_IsRefusedUnlessDev()
    {
        var flags = new Dictionary<string, string?> { [ConfigurationKeys.Issuer] = "http://auth.example.com", [ConfigurationKeys.SystemSecret] = "a-secret-of-at-least-16" };
        var error = Assert.Throws<SettingsException>(() => Read(flags));
        Assert.Contains("--dev", error.Message, StringComparison.Ordinal);

        flags[ConfigurationKeys.Dev] = "true";
        Assert.True(Read(flags).Auth.AllowHttp);
    }

    [Theory]
    [InlineData(null, null, null, true)]
    [InlineData("http://localhost:4444", null, null, true)]
    [InlineData("https://auth.example.com", null, null, false)]
    [InlineData("https://auth.example.com", "true", null, true)]
    [InlineData("https://auth.example.com", null, "smtps://user:pass@mail.example.com:465/", false)]
    public void Development_IsDevOrALoopbackIssuer_AndOnlyDevelopmentServesWithoutSmtp(string? issuer, string? dev, string? smtp, bool development)
    {
        var settings = Read(new()
        {
            [ConfigurationKeys.Issuer] = issuer,
            [ConfigurationKeys.Dev] = dev,
            [ConfigurationKeys.SmtpUri] = smtp,
            // Production nodes often listen on loopback behind a proxy: loopback listeners alone are not development.
            [ConfigurationKeys.SystemSecret] = "a-secret-of-at-least-16",
        });

        Assert.Equal(development, settings.Development);
        if (development || smtp is not null)
        {
            settings.RequireServable();
        }
        else
        {
            var refusal = Assert.Throws<SettingsException>(settings.RequireServable);
            Assert.Contains("courier.smtp.connection_uri", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HttpsIssuer_IsAccepted()
    {
        var settings = Read(new() { [ConfigurationKeys.Issuer] = "https://auth.example.com" });
        Assert.False(settings.Auth.AllowHttp);
    }

    [Theory]
    [InlineData("https://auth.example.com")]
    [InlineData("https://auth.example.com/")]
    [InlineData("https://auth.example.com/hydra")]
    public void Issuer_IsAnnouncedExactlyAsConfigured(string issuer)
    {
        var settings = Read(new() { [ConfigurationKeys.Issuer] = issuer });
        Assert.Equal(issuer, settings.Auth.IssuerIdentifier);
        Assert.EndsWith("/", settings.Auth.PublicBase.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSecret_BeyondLoopback_IsRefused()
    {
        var error = Assert.Throws<SettingsException>(() => Read(new() { [ConfigurationKeys.PublicHost] = "0.0.0.0" }));
        Assert.Contains("SECRETS_SYSTEM", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortSecret_IsRefused() =>
        Assert.Throws<SettingsException>(() => Read(new() { [ConfigurationKeys.SystemSecret] = "short" }));

    [Theory]
    [InlineData("mysql://x")]
    [InlineData("not a dsn")]
    [InlineData("sqlite://")]
    public void BadDsn_IsRefusedWithAClearMessage(string dsn)
    {
        var error = Assert.Throws<SettingsException>(() => Read(new() { [ConfigurationKeys.Dsn] = dsn }));
        Assert.Contains("sqlite://", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ConfigurationKeys.PublicPort, "http")]
    [InlineData(ConfigurationKeys.AccessTokenTtl, "forever")]
    [InlineData(ConfigurationKeys.AccessTokenStrategy, "magic")]
    [InlineData(ConfigurationKeys.LoginCodesPerIp, "0")]
    [InlineData(ConfigurationKeys.LoginFailuresPerCode, "-1")]
    [InlineData(ConfigurationKeys.LoginCodesPerEmail, "many")]
    [InlineData(ConfigurationKeys.FormBodyLimit, "1000")]
    [InlineData(ConfigurationKeys.AdminBodyLimit, "2GB")]
    [InlineData(ConfigurationKeys.AdminBodyLimit, "2147483648")]
    [InlineData(ConfigurationKeys.LoginRememberFor, "87600h1s")]
    [InlineData(ConfigurationKeys.ConsentRememberFor, "200000h")]
    public void BadValues_AreRefused(string key, string value) =>
        Assert.Throws<SettingsException>(() => Read(new() { [key] = value }));

    [Fact]
    public void LoginLimits_AreBlinksByDefault_AndEachCountIsConfigurable()
    {
        var defaults = Read([]).Login.Limits;
        Assert.Equal((4, 16, 6, 20, 3), (defaults.CodesPerEmail, defaults.CodesPerIp, defaults.FailuresPerIdentifier, defaults.FailuresPerIp, defaults.FailuresPerCode));

        var limits = Read(new() { [ConfigurationKeys.LoginCodesPerEmail] = "2", [ConfigurationKeys.LoginFailuresPerCode] = "5" }, new Hashtable
        {
            ["GLINT_LOGIN_LIMITS_CODES_PER_IP"] = "1000",
            ["GLINT_LOGIN_LIMITS_FAILURES_PER_EMAIL"] = "7",
            ["GLINT_LOGIN_LIMITS_FAILURES_PER_IP"] = "50",
        }).Login.Limits;

        Assert.Equal((2, 1000, 7, 50, 5), (limits.CodesPerEmail, limits.CodesPerIp, limits.FailuresPerIdentifier, limits.FailuresPerIp, limits.FailuresPerCode));
        Assert.Equal(new Glint.Login.LoginLimits().CodesPerIpWindow, limits.CodesPerIpWindow);
    }

    [Fact]
    public void RequestBodyLimits_Default_AndAreConfigurable()
    {
        var defaults = Read([]).RequestLimits;
        Assert.Equal((65536L, 1048576L), (defaults.FormBodyBytes, defaults.AdminBodyBytes));

        var limits = Read(new() { [ConfigurationKeys.FormBodyLimit] = "4096" }, new Hashtable { ["GLINT_REQUEST_LIMITS_ADMIN_BODY"] = "5000000" }).RequestLimits;

        Assert.Equal((4096L, 5000000L), (limits.FormBodyBytes, limits.AdminBodyBytes));
    }

    [Fact]
    public void GraphQLBodyLimits_ComeFromTheEnvironment_IntoTheApiSection()
    {
        var config = GlintConfiguration.Build(new Dictionary<string, string?>(), new Hashtable
        {
            ["GLINT_API_LIMITS_BODY_BYTES"] = "2048",
            ["GLINT_API_LIMITS_WEBSOCKET_MESSAGE_BYTES"] = "4096",
        }, Path.GetTempPath());

        var limits = config.GetSection("api:limits").Get<Glint.Api.GraphQLLimits>()!;

        Assert.Equal((2048, 4096), (limits.BodyBytes, limits.WebSocketMessageBytes));
    }

    [Fact]
    public void PostgresDsn_BecomesNpgsqlConnectionString()
    {
        var connection = Glint.Data.Postgres.PostgresDatabase.ConnectionString(
            DatabaseDsn.Parse("postgres://us%40er:p%3Ass@db.internal:6543/glint?sslmode=disable&max_conns=7"));

        Assert.Contains("Host=db.internal", connection, StringComparison.Ordinal);
        Assert.Contains("Port=6543", connection, StringComparison.Ordinal);
        Assert.Contains("Database=glint", connection, StringComparison.Ordinal);
        Assert.Contains("Username=us@er", connection, StringComparison.Ordinal);
        Assert.Contains("Password=p:ss", connection, StringComparison.Ordinal);
        Assert.Contains("Maximum Pool Size=7", connection, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresConnectionString_SkipsTypeLoading()
    {
        // Every data source Glint opens is built from this string: with type loading on, each reads pg_type on the
        // way to ready. The schema's built-in types are covered by the PostgreSQL test classes.
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(Glint.Data.Postgres.PostgresDatabase.ConnectionString(
            DatabaseDsn.Parse("postgres://glint@db.internal/glint")));

#pragma warning disable CS0618 // The setting Glint uses, obsolete in favour of data source builders.
        Assert.Equal(Npgsql.ServerCompatibilityMode.NoTypeLoading, connection.ServerCompatibilityMode);
#pragma warning restore CS0618
    }
}
