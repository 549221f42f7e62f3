namespace Glint.Api.Scalars;

/// <summary>32 bytes in hex (a payment hash, a description hash), read in either case and kept lower-case.</summary>
internal static class HexHash
{
    public static string? Parse(string value) =>
        value.Length == 64 && value.All(char.IsAsciiHexDigit) ? value.ToLowerInvariant() : null;
}
