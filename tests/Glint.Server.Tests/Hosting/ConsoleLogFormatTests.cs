using System.Diagnostics;
using System.Text.Json;
using Glint.Server.Hosting;
using Glint.Server.Tests.Infrastructure;

namespace Glint.Server.Tests.Hosting;

/// <summary>
/// <c>glint serve</c> as a new user runs it: readable lines at a terminal, JSON lines into a pipe, and one start-up line
/// that says where things are.
/// </summary>
public sealed class ConsoleLogFormatTests : IDisposable
{
    private const string Summary = "Glint is serving.";
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"glint-logs-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Delete(_database + suffix);
        }
    }

    [Fact]
    public async Task Into_a_pipe_every_line_is_json_and_the_start_up_line_says_where_things_are()
    {
        var lines = await ReadUntilSummaryAsync(Start("dotnet", GlintArguments()));

        Assert.All(lines, line => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(line).RootElement.ValueKind));
        using var summary = JsonDocument.Parse(lines[^1]);
        var message = summary.RootElement.GetProperty("Message").GetString()!;
        Assert.Equal(5301, summary.RootElement.GetProperty("EventId").GetInt32());
        Assert.Contains("admin API http://127.0.0.1:", message, StringComparison.Ordinal);
        Assert.Contains("/login", message, StringComparison.Ordinal);
        Assert.Contains("database SQLite " + _database, message, StringComparison.Ordinal);
        Assert.Contains("glint dev outbox", message, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, line => line.Contains(GlintServerFixture.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_a_terminal_the_lines_are_text_for_people()
    {
        // script(1) gives the server a pseudo-terminal, as a shell window would.
        var command = string.Join(' ', (string[])["dotnet", .. GlintArguments().Select(Quote)]);
        var lines = await ReadUntilSummaryAsync(Start("script", ["-qfec", command, "/dev/null"]));

        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith('{'));
        Assert.Contains("info", lines[^1], StringComparison.Ordinal);
        Assert.Contains("database SQLite " + _database, lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asked_for_json_at_a_terminal_it_prints_json()
    {
        var command = "LOG_FORMAT=json " + string.Join(' ', (string[])["dotnet", .. GlintArguments().Select(Quote)]);
        var lines = await ReadUntilSummaryAsync(Start("script", ["-qfec", command, "/dev/null"]));

        Assert.StartsWith("{", lines[^1].TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_log_format_is_refused_in_one_line()
    {
        using var process = Start("dotnet", GlintArguments(), ("LOG_FORMAT", "xml"));
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Equal("glint: log.format must be 'json' or 'text', not 'xml'.", error.Trim());
    }

    private string[] GlintArguments() =>
        [Path.Combine(AppContext.BaseDirectory, "glint.dll"), "--dev", "--dsn", "sqlite://" + _database, "--public-port", "0", "--admin-port", "0"];

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static Process Start(string file, IEnumerable<string> arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
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
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    /// <summary>The lines printed up to and including the start-up summary; then the server is stopped.</summary>
    private static async Task<List<string>> ReadUntilSummaryAsync(Process process)
    {
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            var lines = new List<string>();
            try
            {
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (line.Trim().Length == 0)
                    {
                        continue;
                    }

                    lines.Add(line);
                    if (line.Contains(Summary, StringComparison.Ordinal))
                    {
                        return lines;
                    }
                }

                var error = await process.StandardError.ReadToEndAsync(timeout.Token);
                Assert.Fail($"the server stopped before its start-up line.\nstdout:\n{string.Join('\n', lines)}\nstderr:\n{error}");
                return lines;
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}
