using System.Buffers.Binary;
using System.Security.Cryptography;
using Glint.Data.Secrets;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Auth.OAuth2.Dpop;

/// <summary>
/// Server-issued DPoP nonces (RFC 9449 §8, §9) that every node accepts without shared state: a nonce is an HMAC of the
/// current time slot under a key derived from the system secret. A nonce of the current or the previous slot is
/// accepted, so one lives between one and two slots.
/// </summary>
public sealed class DpopNonces(SystemSecret secret, TimeProvider time)
{
    public static readonly TimeSpan Slot = TimeSpan.FromMinutes(5);

    private const int NonceBytes = 16;

    private readonly byte[] _key = secret.DeriveKey("dpop-nonce");

    /// <summary>The nonce to hand out now.</summary>
    public string Current() => Base64UrlEncoder.Encode(Mac(SlotOf(time.GetUtcNow())));

    /// <summary>True when <paramref name="nonce"/> was issued in this slot or the previous one.</summary>
    public bool IsFresh(string? nonce)
    {
        if (nonce is not { Length: > 0 and <= 64 })
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Base64UrlEncoder.DecodeBytes(nonce);
        }
        catch (FormatException)
        {
            return false;
        }

        var slot = SlotOf(time.GetUtcNow());
        // Both compared always, in constant time, so the answer says nothing about which slot matched.
        var current = CryptographicOperations.FixedTimeEquals(presented, Mac(slot));
        var previous = CryptographicOperations.FixedTimeEquals(presented, Mac(slot - 1));
        return current | previous;
    }

    private static long SlotOf(DateTimeOffset now) => now.ToUnixTimeSeconds() / (long)Slot.TotalSeconds;

    private byte[] Mac(long slot)
    {
        Span<byte> message = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(message, slot);
        return HMACSHA256.HashData(_key, message)[..NonceBytes];
    }
}
