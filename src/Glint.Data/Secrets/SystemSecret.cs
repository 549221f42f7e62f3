using System.Security.Cryptography;
using System.Text;

namespace Glint.Data.Secrets;

/// <summary>
/// The operator's system secret. Nothing uses it directly: each purpose gets its own key derived with HKDF,
/// so that a key leaked from one purpose says nothing about another.
/// </summary>
public sealed class SystemSecret
{
    /// <summary>Hydra's minimum for <c>secrets.system</c>.</summary>
    public const int MinimumLength = 16;

    private readonly byte[] _material;

    public SystemSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinimumLength)
        {
            throw new ArgumentException($"The system secret must be at least {MinimumLength} characters long.", nameof(secret));
        }

        _material = Encoding.UTF8.GetBytes(secret);
    }

    public byte[] DeriveKey(string purpose, int length = 32) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _material, length, salt: [], info: Encoding.UTF8.GetBytes("glint/" + purpose));
}
