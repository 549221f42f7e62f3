using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Glint.Api.LightningAddresses;

/// <summary>
/// LUD-06's <c>metadata</c> of a user's pay request, with LUD-16's <c>text/identifier</c>: the same string for the
/// same user every time, since the invoice's description hash commits to it byte for byte.
/// </summary>
public static class PayRequestMetadata
{
    public static string For(string username, string domain) =>
        JsonSerializer.Serialize(new[] { new[] { "text/plain", $"Payment to {username}" }, new[] { "text/identifier", $"{username}@{domain}" } });

    /// <summary>The SHA-256 of the metadata's UTF-8 bytes, hex: what the invoice's description hash must be.</summary>
    public static string Hash(string metadata) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(metadata)));
}
