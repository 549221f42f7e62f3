using System.Globalization;
using System.Text.Json;

namespace Glint.Wallets.Prices;

/// <summary>
/// Where a feed's answer holds the price: property names separated by dots, with <c>[n]</c> for an array element and
/// an optional leading <c>$.</c>, e.g. <c>bitcoin.usd</c>, <c>data.amount</c> or <c>$.prices[0].value</c>.
/// </summary>
public sealed class FeedJsonPath
{
    private readonly IReadOnlyList<object> _steps;

    private FeedJsonPath(string text, IReadOnlyList<object> steps)
    {
        Text = text;
        _steps = steps;
    }

    public string Text { get; }

    public static bool TryParse(string? text, out FeedJsonPath path)
    {
        path = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var rest = text.StartsWith("$.", StringComparison.Ordinal) ? text[2..] : text;
        var steps = new List<object>();
        foreach (var segment in rest.Split('.'))
        {
            var name = segment;
            var indexes = new List<int>();
            while (name.EndsWith(']') && name.LastIndexOf('[') is var open and >= 0)
            {
                if (!int.TryParse(name.AsSpan(open + 1, name.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    return false;
                }

                indexes.Insert(0, index);
                name = name[..open];
            }

            if (name.Length == 0 && (indexes.Count == 0 || steps.Count > 0))
            {
                return false;
            }

            if (name.Length > 0)
            {
                steps.Add(name);
            }

            steps.AddRange(indexes.Cast<object>());
        }

        path = new FeedJsonPath(text, steps);
        return true;
    }

    /// <summary>The element at this path, or false when the answer has none there.</summary>
    public bool TryFind(JsonElement root, out JsonElement found)
    {
        found = root;
        foreach (var step in _steps)
        {
            switch (step)
            {
                case string name when found.ValueKind == JsonValueKind.Object && found.TryGetProperty(name, out var child):
                    found = child;
                    break;
                case int index when found.ValueKind == JsonValueKind.Array && index < found.GetArrayLength():
                    found = found[index];
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}
