namespace Glint.Cli.Connection;

/// <summary>
/// A failure the user has to see and can act on: a server error, an unreachable endpoint, a bad file. The command
/// prints it on standard error and exits non-zero; nothing else about it (no stack trace) is shown.
/// </summary>
public sealed class CliException(string message, IReadOnlyList<string>? details = null) : Exception(message)
{
    /// <summary>Lines printed under the message, such as the fields of the server's error JSON.</summary>
    public IReadOnlyList<string> Details { get; } = details ?? [];

    public string Render() =>
        Details.Count == 0 ? "glint: " + Message : "glint: " + Message + Environment.NewLine + string.Join(Environment.NewLine, Details.Select(line => "  " + line));
}
