namespace Glint.Lightning.Bolt11;

/// <summary>Bech32's 5-bit words: writing numbers and bytes into them, and reading them back.</summary>
internal sealed class FiveBitWriter
{
    private readonly List<byte> _words = [];

    public int Count => _words.Count;

    public IReadOnlyList<byte> Words => _words;

    /// <summary>Appends <paramref name="value"/> as exactly <paramref name="wordCount"/> big-endian words.</summary>
    public void WriteNumber(ulong value, int wordCount)
    {
        for (var i = wordCount - 1; i >= 0; i--)
        {
            _words.Add((byte)((value >> (5 * i)) & 31));
        }
    }

    /// <summary>Appends bytes, padding the last word with zero bits.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes) => _words.AddRange(ToWords(bytes));

    public void WriteWords(IEnumerable<byte> words) => _words.AddRange(words);

    public byte[] ToArray() => [.. _words];

    public static List<byte> ToWords(ReadOnlySpan<byte> bytes)
    {
        var words = new List<byte>((bytes.Length * 8 + 4) / 5);
        int accumulator = 0, bits = 0;
        foreach (var b in bytes)
        {
            accumulator = (accumulator << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                words.Add((byte)((accumulator >> bits) & 31));
            }
        }

        if (bits > 0)
        {
            words.Add((byte)((accumulator << (5 - bits)) & 31));
        }

        return words;
    }

    /// <summary>The smallest number of words that hold <paramref name="value"/> (at least one).</summary>
    public static int MinimalWordCount(ulong value)
    {
        var count = 1;
        while (count < 13 && value >> (5 * count) != 0)
        {
            count++;
        }

        return count;
    }
}

internal static class FiveBitReader
{
    public static ulong Number(ReadOnlySpan<byte> words)
    {
        ulong value = 0;
        foreach (var word in words)
        {
            value = checked(value << 5) | word;
        }

        return value;
    }

    /// <summary>
    /// The bytes in <paramref name="words"/>. Trailing bits that do not fill a byte are dropped (field data), or with
    /// <paramref name="padLastByte"/> kept and padded with zero bits (what a signature covers).
    /// </summary>
    public static byte[] Bytes(ReadOnlySpan<byte> words, bool padLastByte = false)
    {
        var bytes = new byte[padLastByte ? (words.Length * 5 + 7) / 8 : words.Length * 5 / 8];
        int accumulator = 0, bits = 0, index = 0;
        foreach (var word in words)
        {
            accumulator = (accumulator << 5) | word;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                if (index < bytes.Length)
                {
                    bytes[index++] = (byte)((accumulator >> bits) & 0xff);
                }
            }
        }

        if (bits > 0 && index < bytes.Length)
        {
            bytes[index] = (byte)((accumulator << (8 - bits)) & 0xff);
        }

        return bytes;
    }
}
