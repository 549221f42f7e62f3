using System.Diagnostics;
using System.Net;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// A token that was answered survives a crash: the node is killed (SIGKILL, no shutdown) the moment the token response
/// arrives, and a new node on the same database finds the token active. The writer answers only after the commit.
/// </summary>
public abstract class TokenDurabilityTests(Glint.Data.DatabaseKind kind)
{
    [Theory]
    [InlineData("opaque")]
    [InlineData("jwt")]
    public async Task A_token_acknowledged_before_a_crash_is_valid_after_restart(string strategy)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(kind);
        var publicPort = Cli.GlintCli.FreePort();
        var adminPort = Cli.GlintCli.FreePort();
        var issuer = $"http://127.0.0.1:{publicPort}";

        string token;
        using (var crashing = StartGlint(database.Dsn, publicPort, adminPort, issuer))
        {
            try
            {
                using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
                using var publicClient = new HttpClient { BaseAddress = new Uri(issuer) };
                await WaitUntilReadyAsync(admin, crashing, cancellationToken);

                using var created = await admin.PostAsync("/admin/clients", HydraClientCalls.Json(new Dictionary<string, object?>
                {
                    ["grant_types"] = new[] { "client_credentials" },
                    ["scope"] = "read",
                    ["access_token_strategy"] = strategy,
                }), cancellationToken);
                var client = await created.ReadJsonAsync();
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);

                using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "read" }),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                    $"{Uri.EscapeDataString(client["client_id"]!.GetValue<string>())}:{Uri.EscapeDataString(client["client_secret"]!.GetValue<string>())}")));
                using var issued = await publicClient.SendAsync(request, cancellationToken);
                var body = await issued.ReadJsonAsync();
                Assert.True(issued.StatusCode == HttpStatusCode.OK, body.ToJsonString());
                token = body["access_token"]!.GetValue<string>();
            }
            finally
            {
                // Right after the answer, without any shutdown: what was acknowledged must already be on the disk.
                crashing.Kill(entireProcessTree: true);
                await crashing.WaitForExitAsync(cancellationToken);
            }
        }

        await using var restarted = new GlintNode(database.Dsn, new Dictionary<string, string?> { [ConfigurationKeys.Issuer] = issuer });
        await restarted.InitializeAsync();
        var introspection = await restarted.IntrospectAsync(token);
        Assert.True(introspection["active"]!.GetValue<bool>(), introspection.ToJsonString());
    }

    private static Process StartGlint(string dsn, int publicPort, int adminPort, string issuer)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "glint.dll"), "--dsn", dsn,
            "--public-port", publicPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--admin-port", adminPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--issuer", issuer])
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

        start.Environment["SECRETS_SYSTEM"] = GlintServerFixture.Secret;
        var process = Process.Start(start)!;
        // Drained so that a chatty log never blocks the server on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilReadyAsync(HttpClient admin, Process process, CancellationToken cancellationToken)
    {
        // Polls until the node answers (starting a process takes a moment); it gives up when the process ends.
        while (!process.HasExited)
        {
            try
            {
                using var ready = await admin.GetAsync("/health/ready", cancellationToken);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }

        Assert.Fail($"glint exited with {process.ExitCode} before it was ready");
    }
}

public sealed class SqliteTokenDurabilityTests() : TokenDurabilityTests(Glint.Data.DatabaseKind.Sqlite);

public sealed class PostgresTokenDurabilityTests() : TokenDurabilityTests(Glint.Data.DatabaseKind.Postgres);
