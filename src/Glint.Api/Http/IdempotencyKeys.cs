using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Glint.Api.Http;

/// <summary>
/// The <c>X-Idempotency-Key</c> header, checked as Blink checks it: one value, a UUID (Blink's pattern accepts
/// versions 1 to 5 although its message says v4). A payment made with a key is made once: a retry returns the first.
/// </summary>
public static partial class IdempotencyKeys
{
    public const string Header = "X-Idempotency-Key";
    public const string NotSingleMessage = "X-Idempotency-Key header must be a single string";
    public const string NotUuidMessage = "X-Idempotency-Key header must be a UUID-v4";

    /// <summary>The key (lower-cased), null without the header, or the error message for a 400.</summary>
    public static (string? Key, string? Error) Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(Header, out var values) || values.Count == 0)
        {
            return (null, null);
        }

        if (values.Count > 1)
        {
            return (null, NotSingleMessage);
        }

        var key = values[0] ?? "";
        if (key.Length == 0)
        {
            return (null, null);
        }

        return Uuid().IsMatch(key) ? (key.ToLowerInvariant(), null) : (null, NotUuidMessage);
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();
}
