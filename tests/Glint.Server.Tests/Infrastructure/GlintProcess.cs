using System.Diagnostics;
using System.Globalization;
using System.Net;
using Glint.Server.Hosting;

namespace Glint.Server.Tests.Infrastructure;

/// <summary>
/// A Glint server in a process of its own (the built <c>glint.dll</c>), for tests that kill it as a crash would:
/// SIGKILL, no shutdown, nothing flushed. Only the settings a test gives count, never the machine's environment.
/// </summary>
public sealed class GlintProcess : IDisposable
{
    private readonly Process _process;

    private GlintProcess(Process process, string issuer, int publicPort, int adminPort)
    {
        _process = process;
        Issuer = issuer;
        Public = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{publicPort}") };
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}") };
    }

    public string Issuer { get; }

    public HttpClient Public { get; }

    public HttpClient Admin { get; }

    /// <summary>
    /// Starts a node on <paramref name="dsn"/> and waits until it is ready; <paramref name="environment"/> adds settings.
    /// The issuer is the node's own address unless another node's tokens must hold here too.
    /// </summary>
    public static async Task<GlintProcess> StartAsync(
        string dsn, IReadOnlyDictionary<string, string>? environment = null, string? issuer = null, CancellationToken cancellationToken = default)
    {
        var publicPort = Cli.GlintCli.FreePort();
        var adminPort = Cli.GlintCli.FreePort();
        issuer ??= $"http://127.0.0.1:{publicPort}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "glint.dll"), "--dsn", dsn,
            "--public-port", publicPort.ToString(CultureInfo.InvariantCulture), "--admin-port", adminPort.ToString(CultureInfo.InvariantCulture),
            "--issuer", issuer])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (_, names) in ConfigurationKeys.EnvironmentVariables)
        {
            foreach (var name in names)
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["SECRETS_SYSTEM"] = GlintServerFixture.Secret;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        // Drained so that a chatty log never blocks the server on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new GlintProcess(process, issuer, publicPort, adminPort);
        try
        {
            await node.WaitUntilReadyAsync(cancellationToken);
            return node;
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>Kills the process at once, with no shutdown: what it acknowledged must already be in the database.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        // Polls until the node answers (starting a process takes a moment); it gives up when the process ends.
        while (!_process.HasExited)
        {
            try
            {
                using var ready = await Admin.GetAsync("/health/ready", cancellationToken);
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

        Assert.Fail($"glint exited with {_process.ExitCode} before it was ready");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        Public.Dispose();
        Admin.Dispose();
        _process.Dispose();
    }
}
