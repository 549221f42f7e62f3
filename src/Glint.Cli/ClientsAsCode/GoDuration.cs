using System.Globalization;
using System.Text.RegularExpressions;

namespace Glint.Cli.ClientsAsCode;

/// <summary>
/// Lifespans are Go durations, and the server writes them back in Go's canonical form (<c>1h</c> becomes
/// <c>1h0m0s</c>): a file that says <c>1h</c> must not look changed on every run.
/// </summary>
internal static partial class GoDuration
{
    public static bool Same(string left, string right) =>
        left == right || (TryParse(left, out var a) && TryParse(right, out var b) && a == b);

    private static bool TryParse(string text, out decimal nanoseconds)
    {
        nanoseconds = 0;
        var sign = text.StartsWith('-') ? -1 : 1;
        var body = text.TrimStart('-', '+');
        if (body == "0")
        {
            return true;
        }

        var matches = Part().Matches(body);
        if (body.Length == 0 || matches.Sum(match => match.Length) != body.Length)
        {
            return false;
        }

        foreach (Match match in matches)
        {
            var unit = match.Groups["unit"].Value switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                _ => 3_600_000_000_000m,
            };
            nanoseconds += decimal.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture) * unit;
        }

        nanoseconds *= sign;
        return true;
    }

    [GeneratedRegex(@"(?<number>\d+(\.\d*)?|\.\d+)(?<unit>ns|us|µs|μs|ms|s|m|h)")]
    private static partial Regex Part();
}
