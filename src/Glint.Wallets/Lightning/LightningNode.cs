using System.Security.Cryptography;
using Glint.Data;
using Glint.Data.Secrets;
using Glint.Data.Wallets;
using Glint.Lightning.Bolt11;
using Microsoft.EntityFrameworkCore;
using NBitcoin;

namespace Glint.Wallets.Lightning;

/// <summary>
/// Glint's Lightning identity: the node key that signs every invoice, and the network invoices are for. Every node
/// of a deployment opens the same key from the database, so an invoice created on one node is paid on another.
/// </summary>
public sealed class LightningNode : IDisposable
{
    private readonly Lazy<Key> _key;
    private readonly Lazy<string> _nodeId;

    /// <summary>
    /// The key is parsed, and its public key computed, on first use: that first use sets up the secp256k1 tables, a
    /// noticeable share of a start's CPU that no request needs before the node is ready (the warm-up after the first
    /// ready answer touches it, so the first invoice does not pay for it either).
    /// </summary>
    private LightningNode(byte[] privateKey, Bolt11Network network, TimeProvider time)
    {
        _key = new Lazy<Key>(() =>
        {
            try
            {
                return new Key(privateKey);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        });
        _nodeId = new Lazy<string>(() => Key.PubKey.ToHex());
        Network = network;
        Decoder = new Bolt11Decoder(network, time);
    }

    public Key Key => _key.Value;

    /// <summary>The node's public key, hex: the payee of every invoice Glint issues.</summary>
    public string NodeId => _nodeId.Value;

    public Bolt11Network Network { get; }

    public Bolt11Decoder Decoder { get; }

    /// <summary>Opens the node key, creating it on the very first start; a node that loses the race to create it reads the winner's.</summary>
    public static async Task<LightningNode> LoadOrCreateAsync(
        StartupDatabase db, KeySealer sealer, Bolt11Network network, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sealer);
        var row = await ReadKeyAsync(db, cancellationToken);
        if (row is null)
        {
            using var fresh = new Key();
            db.Context.LightningNodeKeys.Add(new LightningNodeKey
            {
                Id = LightningNodeKey.CurrentId,
                SealedPrivateKey = sealer.Seal(fresh.ToBytes(), AssociatedData),
                CreatedAt = time.GetUtcNow(),
            });
            try
            {
                await db.Context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                db.Context.ChangeTracker.Clear();
            }

            row = await ReadKeyAsync(db, cancellationToken) ?? throw new InvalidOperationException("The Lightning node's key could be neither written nor read.");
        }

        try
        {
            return new LightningNode(sealer.Unseal(row, AssociatedData), network, time);
        }
        catch (CryptographicException exception)
        {
            throw new StartupRefusedException(
                "The Lightning node key cannot be opened with the configured system secret: start Glint with the secret (SECRETS_SYSTEM) it was created with.", exception);
        }
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Dispose();
        }
    }

    /// <summary>The sealed key, read before the node listens (see <see cref="StartupReads"/>); null before the first start.</summary>
    public static async Task<byte[]?> ReadKeyAsync(StartupDatabase db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return (await StartupReads.ReadAsync(db.Connection, LightningNodeKey.Table, [nameof(LightningNodeKey.SealedPrivateKey)],
            reader => reader.GetFieldValue<byte[]>(0), nameof(LightningNodeKey.Id), LightningNodeKey.CurrentId, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Binds the sealed key to its purpose, so it cannot be swapped with a signing key's row.</summary>
    private const string AssociatedData = "lightning-node-key:" + LightningNodeKey.CurrentId;
}
