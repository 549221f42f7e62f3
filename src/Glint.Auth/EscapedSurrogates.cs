using System.Numerics;

namespace Glint.Auth;

/// <summary>
/// JSON text that escapes an unpaired UTF-16 surrogate: a <c>\ud800</c> not followed by its <c>\udc00</c>, or a
/// <c>\udc00</c> alone. Such JSON parses, but its string is not text: System.Text.Json throws only when the string is
/// read, deep inside whatever reads it, and no database stores it. Where JSON arrives, it is refused whole, in the
/// protocol's own format.
/// </summary>
public static class EscapedSurrogates
{
    /// <summary>
    /// Whether <paramref name="json"/> escapes an unpaired surrogate. The text must already have parsed as JSON, so
    /// that every backslash starts an escape inside a string.
    /// </summary>
    public static bool AnyUnpaired<T>(ReadOnlySpan<T> json) where T : unmanaged, IBinaryInteger<T>
    {
        var backslash = T.CreateTruncating('\\');
        var awaitingLow = false;
        var rest = json;
        while (true)
        {
            var escape = rest.IndexOf(backslash);
            if (awaitingLow && escape != 0)
            {
                // Anything but the next escape ends the pair half-way.
                return true;
            }

            if (escape < 0 || rest.Length - escape < 2)
            {
                return false;
            }

            rest = rest[escape..];
            if (rest[1] != T.CreateTruncating('u') || rest.Length < 6)
            {
                if (awaitingLow)
                {
                    return true;
                }

                rest = rest[2..];
                continue;
            }

            var unit = CodeUnit(rest.Slice(2, 4));
            rest = rest[6..];
            if (char.IsLowSurrogate(unit))
            {
                if (!awaitingLow)
                {
                    return true;
                }

                awaitingLow = false;
            }
            else if (awaitingLow)
            {
                return true;
            }
            else
            {
                awaitingLow = char.IsHighSurrogate(unit);
            }
        }
    }

    /// <summary>The UTF-16 code unit of the four hexadecimal digits of a <c>\u</c> escape.</summary>
    private static char CodeUnit<T>(ReadOnlySpan<T> digits) where T : unmanaged, IBinaryInteger<T>
    {
        var value = 0;
        foreach (var digit in digits)
        {
            var c = int.CreateTruncating(digit);
            value = (value << 4) + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
        }

        return (char)value;
    }
}
