namespace Glint.Data.OAuth;

/// <summary>
/// A token-signing key shared by every node. The private key is sealed with the system secret before it is stored.
/// </summary>
public sealed class SigningKey
{
    /// <summary>Its table, which a start also reads in plain SQL (StartupReads).</summary>
    public const string Table = "jwk_signing_keys";

    public required string Id { get; set; }

    public required string Algorithm { get; set; }

    public required byte[] SealedPrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
