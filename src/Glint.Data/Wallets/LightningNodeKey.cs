namespace Glint.Data.Wallets;

/// <summary>
/// The Lightning node key that signs Glint's invoices, shared by every node: one row, created by the first node to
/// start. The private key is sealed with the system secret, like the token-signing keys.
/// </summary>
public sealed class LightningNodeKey
{
    /// <summary>Its table, which a start also reads in plain SQL (StartupReads).</summary>
    public const string Table = "lightning_node_keys";

    /// <summary>The one row's id.</summary>
    public const string CurrentId = "node";

    public required string Id { get; set; }

    public required byte[] SealedPrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
