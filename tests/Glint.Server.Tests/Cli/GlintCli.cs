using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glint.Server.Cli;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Cli;

/// <summary>What a command printed and how it exited.</summary>
public sealed record CliRun(int Exit, string Output, string Error)
{
    public JsonNode Json => JsonNode.Parse(Output) ?? throw new InvalidOperationException("the command printed null");

    public override string ToString() => $"exit {Exit}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>
/// Runs the <c>glint</c> command line in-process, as a user types it (the same root command as the executable),
/// with standard output and error captured.
/// </summary>
public static class GlintCli
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(args, new CapturedWriter(), new CapturedWriter(), TestContext.Current.CancellationToken);

    public static async Task<CliRun> RunAsync(string[] args, CapturedWriter output, CapturedWriter error, CancellationToken cancellationToken)
    {
        var exit = await GlintCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    /// <summary><c>--endpoint</c> of the server's admin port.</summary>
    public static string[] AdminEndpoint(this GlintServerFixture server) => ["--endpoint", $"http://127.0.0.1:{server.AdminPort}"];

    /// <summary><c>--endpoint</c> of the server's public port (perform and revoke, as in the hydra CLI).</summary>
    public static string[] PublicEndpoint(this GlintServerFixture server) => ["--endpoint", $"http://127.0.0.1:{server.PublicPort}"];

    /// <summary><c>glint create client … --format json</c> on the server; must succeed.</summary>
    public static async Task<JsonObject> CliCreateClientAsync(this GlintServerFixture server, params string[] flags)
    {
        var run = await RunAsync(["create", "client", .. server.AdminEndpoint(), "--format", "json", .. flags]);
        Assert.True(run.Exit == 0, run.ToString());
        return run.Json.AsObject();
    }

    /// <summary>A port nobody listens on (for the unreachable endpoint) or that a listener may take.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
}

/// <summary>A writer that the test may read while the command is still writing to it, and wait on.</summary>
public sealed class CapturedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_lock)
        {
            _text.Append(buffer, index, count);
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return _text.ToString();
        }
    }

    /// <summary>The first match of <paramref name="pattern"/> in what was written, once it is there.</summary>
    public async Task<string> WaitForAsync(Regex pattern, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (pattern.Match(ToString()) is { Success: true } match)
            {
                return match.Value;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
