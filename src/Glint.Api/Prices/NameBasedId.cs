using System.Security.Cryptography;
using System.Text;

namespace Glint.Api.Prices;

/// <summary>A UUID that is always the same for the same name, for objects that have no stored id (a price at a time).</summary>
public static class NameBasedId
{
    public static string From(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5 layout (name-based), as uuid-by-string gives
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
