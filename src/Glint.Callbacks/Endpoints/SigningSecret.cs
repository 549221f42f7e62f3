using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Glint.Callbacks.Endpoints;

/// <summary>
/// An endpoint's signing secret, as Standard Webhooks (and Svix) spell it: <c>whsec_</c> and the base64 of its key
/// bytes. A delivery is signed <c>v1,</c> + base64(HMAC-SHA256(key, <c>id.timestamp.body</c>)).
/// </summary>
public static class SigningSecret
{
    public const string Prefix = "whsec_";

    /// <summary>24 random bytes, as Svix's secrets have.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(24);

    public static string Format(ReadOnlySpan<byte> key) => Prefix + Convert.ToBase64String(key);

    public static string Sign(ReadOnlySpan<byte> key, string messageId, long timestamp, string body)
    {
        var signed = Encoding.UTF8.GetBytes(messageId + "." + timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
