using System.Globalization;

namespace Glint.Bench.Load;

/// <summary>The <c>--name value</c> pairs of a command; a missing required one stops the command with its name.</summary>
public sealed class Arguments(Dictionary<string, string> values)
{
    public static Arguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        return new Arguments(values);
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public int Count(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The process whose id is given, or none without the argument.</summary>
    public System.Diagnostics.Process? Process(string name) =>
        values.TryGetValue(name, out var value) ? System.Diagnostics.Process.GetProcessById(int.Parse(value, CultureInfo.InvariantCulture)) : null;

    public Uri Url(string name) => new(Required(name).TrimEnd('/') + "/");

    /// <summary>wrk's duration syntax: 10s, 2m, or plain seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        var unit = text[^1];
        var number = char.IsDigit(unit) ? text : text[..^1];
        var amount = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
    }
}
