using System.Security.Cryptography;
using Glint.Data;
using Glint.Data.OAuth;
using Glint.Data.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Auth.Jwk;

/// <summary>
/// The token-signing keys every node shares. The newest key signs; the one before it stays published in the JWKS
/// so that tokens signed just before a rotation still verify. Older keys are no longer published.
/// </summary>
public sealed class SigningKeyRing
{
    public const string Algorithm = SecurityAlgorithms.RsaSha256;
    private const int PublishedKeys = 2;

    private SigningKeyRing(IReadOnlyList<RsaSecurityKey> keys) => Keys = keys;

    /// <summary>Current key first, then the previous one.</summary>
    public IReadOnlyList<RsaSecurityKey> Keys { get; }

    /// <summary>
    /// The id of the key a fresh database gets. Every node starting on an empty database inserts its key under this one
    /// id, so however many start at once, one insert wins and the others read the winner's key: every node signs with
    /// and publishes the same key. Keys added by rotation get random ids.
    /// </summary>
    public const string FirstKeyId = "first";

    public static async Task<SigningKeyRing> LoadOrCreateAsync(StartupDatabase db, KeySealer sealer, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await LatestAsync(db, cancellationToken);
        if (rows.Count == 0)
        {
            db.Context.SigningKeys.Add(NewKey(FirstKeyId, sealer, time));
            try
            {
                await db.Context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another node created the first key a moment earlier; its key is read below.
                db.Context.ChangeTracker.Clear();
            }

            rows = await LatestAsync(db, cancellationToken);
        }

        return new SigningKeyRing(rows.Select(row => Open(row, sealer)).ToList());
    }

    /// <summary>Adds a new current key. Nodes start signing with it when they next start.</summary>
    public static async Task<string> RotateAsync(GlintDbContext db, KeySealer sealer, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var key = NewKey(Guid.NewGuid().ToString(), sealer, time);
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return key.Id;
    }

    private static SigningKey NewKey(string id, KeySealer sealer, TimeProvider time)
    {
        using var rsa = RSA.Create(2048);
        return new SigningKey
        {
            Id = id,
            Algorithm = Algorithm,
            SealedPrivateKey = sealer.Seal(rsa.ExportPkcs8PrivateKey(), id),
            CreatedAt = time.GetUtcNow(),
        };
    }

    /// <summary>Every key, read before the node listens: in plain SQL (see <see cref="StartupReads"/>).</summary>
    public static Task<List<SigningKey>> ReadAllAsync(StartupDatabase db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return StartupReads.ReadAsync(db.Connection, SigningKey.Table,
            [nameof(SigningKey.Id), nameof(SigningKey.Algorithm), nameof(SigningKey.SealedPrivateKey), nameof(SigningKey.CreatedAt)],
            reader => new SigningKey
            {
                Id = reader.GetString(0),
                Algorithm = reader.GetString(1),
                SealedPrivateKey = reader.GetFieldValue<byte[]>(2),
                CreatedAt = StartupReads.Timestamp(reader, 3),
            },
            keyColumn: null, key: null, cancellationToken);
    }

    private static async Task<List<SigningKey>> LatestAsync(StartupDatabase db, CancellationToken cancellationToken)
    {
        var rows = await ReadAllAsync(db, cancellationToken);
        // Ordered in memory: SQLite cannot order by a DateTimeOffset column.
        return rows.OrderByDescending(row => row.CreatedAt).ThenBy(row => row.Id, StringComparer.Ordinal).Take(PublishedKeys).ToList();
    }

    private static RsaSecurityKey Open(SigningKey row, KeySealer sealer)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(sealer.Unseal(row.SealedPrivateKey, row.Id), out _);
        }
        catch (CryptographicException exception)
        {
            rsa.Dispose();
            throw new StartupRefusedException(
                $"Signing key {row.Id} cannot be opened with the configured system secret: start Glint with the secret (SECRETS_SYSTEM) the database's keys were created with.",
                exception);
        }

        return new RsaSecurityKey(rsa) { KeyId = row.Id };
    }
}
