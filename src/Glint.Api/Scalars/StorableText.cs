namespace Glint.Api.Scalars;

/// <summary>
/// The text a string input may carry: any, but for NUL and a UTF-16 surrogate without its pair. PostgreSQL refuses
/// both in a text column (22021) while SQLite keeps the NUL and turns the lone surrogate into U+FFFD, so an input
/// holding either would fail on one database and change on the other; every string scalar refuses it instead, as
/// invalid input, before a resolver sees it.
/// </summary>
public static class StorableText
{
    public static bool IsStorable(ReadOnlySpan<char> text)
    {
        if (text.Contains('\0'))
        {
            return false;
        }

        // Nearly all text has no surrogates at all: one vectorised scan finds none.
        var at = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0)
        {
            if (!char.IsHighSurrogate(text[at]) || at + 1 == text.Length || !char.IsLowSurrogate(text[at + 1]))
            {
                return false;
            }

            text = text[(at + 2)..];
            at = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        }

        return true;
    }

    /// <summary>Why an input of <paramref name="scalar"/> was refused, in the words of the scalars' other refusals.</summary>
    public static string Refusal(string scalar) =>
        $"Invalid value for {scalar}: text may not contain the NUL character (U+0000) or an unpaired UTF-16 surrogate.";
}
