using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Glint.Auth.Flows;

/// <summary>Challenges, verifiers and CSRF values: 256 random bits, URL-safe; only hashes are stored for the browser-borne ones.</summary>
public static class FlowSecrets
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static bool Matches(string? value, string? hash) =>
        value is not null && hash is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(value)), Encoding.ASCII.GetBytes(hash));
}
