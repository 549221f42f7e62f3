using System.Security.Cryptography;

namespace Glint.Data.Secrets;

/// <summary>
/// Seals private keys at rest (the token-signing keys, the Lightning node key) with AES-256-GCM under a key derived
/// from the system secret. It lives with the entities so that every module storing a key shares the one sealer.
/// </summary>
public sealed class KeySealer(SystemSecret secret)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key = secret.DeriveKey("signing-key-sealing");

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string keyId)
    {
        var sealedKey = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedKey.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        // The key id is bound as associated data, so a sealed key cannot be swapped onto another row.
        aes.Encrypt(nonce, plaintext, sealedKey.AsSpan(NonceSize + TagSize), sealedKey.AsSpan(NonceSize, TagSize), System.Text.Encoding.UTF8.GetBytes(keyId));
        return sealedKey;
    }

    public byte[] Unseal(ReadOnlySpan<byte> sealedKey, string keyId)
    {
        if (sealedKey.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"Key {keyId} is not a sealed key.");
        }

        var plaintext = new byte[sealedKey.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedKey[..NonceSize], sealedKey[(NonceSize + TagSize)..], sealedKey.Slice(NonceSize, TagSize), plaintext, System.Text.Encoding.UTF8.GetBytes(keyId));
        return plaintext;
    }
}
