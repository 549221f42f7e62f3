using System.Collections;
using System.Diagnostics;
using Glint.Data;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// What a production start refuses: no SMTP outside development, and an issuer other than the one the database's
/// nodes share. Each refusal is one line for the operator, not a stack trace.
/// </summary>
public abstract class StartupGuardRailTests(DatabaseKind kind) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync(kind);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static Dictionary<string, string?> DevIssuer(string issuer) => new()
    {
        [ConfigurationKeys.Issuer] = issuer,
        [ConfigurationKeys.Dev] = "true",
    };

    [Fact]
    public async Task Without_SMTP_outside_development_the_server_refuses_to_start_and_sends_no_code_anywhere()
    {
        var config = GlintConfiguration.Build(new Dictionary<string, string?>
        {
            [ConfigurationKeys.Dsn] = _database.Dsn,
            [ConfigurationKeys.Issuer] = "https://auth.example.com",
            [ConfigurationKeys.SystemSecret] = GlintServerFixture.Secret,
            [ConfigurationKeys.PublicPort] = "0",
            [ConfigurationKeys.AdminPort] = "0",
        }, new Hashtable(), AppContext.BaseDirectory);

        var refusal = await Assert.ThrowsAsync<SettingsException>(() => GlintHost.BuildAsync(config, TestContext.Current.CancellationToken));

        Assert.Contains("courier.smtp.connection_uri", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("--dev", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refusal.Message);
    }

    [Fact]
    public async Task Without_SMTP_in_development_the_dev_outbox_serves()
    {
        await using var node = new GlintNode(_database.Dsn, DevIssuer("http://glint.test:4444"));
        await node.InitializeAsync();
        using var response = await node.Public.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_second_node_with_another_issuer_is_refused_until_the_change_is_accepted()
    {
        await using (var first = new GlintNode(_database.Dsn, DevIssuer("http://a.glint.test")))
        {
            await first.InitializeAsync();
        }

        await using (var second = new GlintNode(_database.Dsn, DevIssuer("http://b.glint.test")))
        {
            var refusal = await Assert.ThrowsAsync<StartupRefusedException>(async () => await second.InitializeAsync());
            Assert.Contains("http://a.glint.test/", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("--accept-issuer-change", refusal.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refusal.Message);
        }

        // The same issuer starts again; a node with the recorded one starts beside it.
        await using (var again = new GlintNode(_database.Dsn, DevIssuer("http://a.glint.test")))
        {
            await again.InitializeAsync();
        }

        var accepted = DevIssuer("http://b.glint.test");
        accepted[ConfigurationKeys.AcceptIssuerChange] = "true";
        await using (var changed = new GlintNode(_database.Dsn, accepted))
        {
            await changed.InitializeAsync();
        }

        // From now on the new issuer is the database's, and the old one is refused.
        await using (var follower = new GlintNode(_database.Dsn, DevIssuer("http://b.glint.test")))
        {
            await follower.InitializeAsync();
        }

        await using var old = new GlintNode(_database.Dsn, DevIssuer("http://a.glint.test"));
        await Assert.ThrowsAsync<StartupRefusedException>(async () => await old.InitializeAsync());
    }
}

public sealed class SqliteStartupGuardRailTests() : StartupGuardRailTests(DatabaseKind.Sqlite);

public sealed class PostgresStartupGuardRailTests() : StartupGuardRailTests(DatabaseKind.Postgres);

/// <summary>The real <c>glint</c> executable: a refusal is one line on standard error and a non-zero exit.</summary>
public sealed class StartupRefusalProcessTests : IDisposable
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"glint-refusal-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_database + suffix);
        }
    }

    [Theory]
    [InlineData("--issuer https://auth.example.com", true, "glint: No SMTP server is configured")]
    [InlineData("--public-host 0.0.0.0", false, "glint: A system secret is required")]
    public async Task A_refused_start_prints_one_line_and_exits_non_zero(string flags, bool secret, string line) =>
        AssertOneLineRefusal(await RunGlintAsync(flags.Split(' '), secret), line);

    [Fact]
    public async Task A_node_without_the_secret_its_database_was_sealed_with_prints_one_line()
    {
        await using (var first = new GlintNode("sqlite://" + _database))
        {
            await first.InitializeAsync();
        }

        AssertOneLineRefusal(await RunGlintAsync([], secret: false), "glint: Signing key first cannot be opened with the configured system secret");
    }

    [Theory]
    [InlineData("postgres://glint:do-not-print-me@127.0.0.1:1/glint?sslmode=disable", "glint: cannot open the PostgreSQL database: Failed to connect to 127.0.0.1:1")]
    [InlineData("sqlite:///etc/hostname/glint.db", "glint: cannot open the SQLite database: ")]
    public async Task An_unreachable_database_prints_one_line_without_its_password(string dsn, string line)
    {
        var run = await RunGlintAsync(["--dev"], secret: true, dsn);
        AssertOneLineRefusal(run, line);
        Assert.DoesNotContain("do-not-print-me", run.Error, StringComparison.Ordinal);
    }

    private static void AssertOneLineRefusal((int Exit, string Error, string Output) run, string line)
    {
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEqual(0, run.Exit);
        Assert.True(lines.Length == 1, $"stderr: {run.Error}\nstdout: {run.Output}");
        Assert.StartsWith(line, lines[0], StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    private async Task<(int Exit, string Error, string Output)> RunGlintAsync(string[] flags, bool secret, string? dsn = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "glint.dll"), "--dsn", dsn ?? "sqlite://" + _database, "--public-port", "0", "--admin-port", "0", .. flags])
        {
            start.ArgumentList.Add(argument);
        }

        // Only the settings of this start count, never the machine's.
        foreach (var (_, names) in ConfigurationKeys.EnvironmentVariables)
        {
            foreach (var name in names)
            {
                start.Environment.Remove(name);
            }
        }

        if (secret)
        {
            start.Environment["SECRETS_SYSTEM"] = GlintServerFixture.Secret;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await error, await output);
    }
}
