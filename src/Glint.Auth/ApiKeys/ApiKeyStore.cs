using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Glint.Auth.Audit;
using Glint.Auth.Revocation;
using Glint.Data;
using Glint.Data.ApiKeys;
using Glint.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Glint.Auth.ApiKeys;

/// <summary>A key that authenticated a request: whose it is and what it may do.</summary>
public sealed record ValidApiKey(Guid KeyId, Guid UserId, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt);

/// <summary>
/// API keys: <c>{prefix}_</c> plus 64 alphanumerics from a CSPRNG, stored as SHA-256 only. Validation is one indexed
/// lookup, then cached for <see cref="AuthSettings.CredentialRevocationBound"/>: a revocation stops it at once on this
/// node, and on the others as soon as <see cref="CredentialRevocations"/> reaches them (within that bound at worst).
/// <c>lastUsedAt</c> is written at most once a minute per key and node, never once per request.
/// </summary>
public sealed class ApiKeyStore(GlintDbContext db, ApiKeyCache cache, CredentialRevocations revocations, AuthSettings settings, AuditTrail audit, TimeProvider time)
{
    public const int MaxNameLength = 100;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>A new key, audited as created by its user from <paramref name="remoteAddress"/>.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(
        Guid userId, string name, IReadOnlyCollection<string> scopes, int? expireInDays, string? remoteAddress, CancellationToken cancellationToken)
    {
        var secret = settings.ApiKeyPrefix + "_" + RandomNumberGenerator.GetString(Alphabet, 64);
        var now = time.GetUtcNow();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Name = name,
            KeyHash = Hash(secret),
            Scopes = string.Join(' ', scopes),
            CreatedAt = now,
            ExpiresAt = expireInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        await audit.WriteAsync(db, KeyEvent(AuditActions.ApiKeyCreated, key, remoteAddress), cancellationToken);
        return (key, secret);
    }

    /// <summary>All of the user's keys, active, expired and revoked, oldest first (Blink's clients take the newest as the last).</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking().Where(key => key.UserId == userId).ToListAsync(cancellationToken);
        return [.. keys.OrderBy(key => key.CreatedAt).ThenBy(key => key.Id)];
    }

    /// <summary>Revokes one of the user's keys (again is fine); null when the user has no such key.</summary>
    public async Task<ApiKey?> RevokeAsync(Guid userId, Guid keyId, string? remoteAddress, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(candidate => candidate.Id == keyId && candidate.UserId == userId, cancellationToken);
        if (key is null)
        {
            return null;
        }

        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        revocations.Revoked();
        await audit.WriteAsync(db, KeyEvent(AuditActions.ApiKeyRevoked, key, remoteAddress), cancellationToken);
        return key;
    }

    public async Task<ValidApiKey?> ValidateAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(settings.ApiKeyPrefix + "_", StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var hash = Hash(secret);
        var now = time.GetUtcNow();
        var valid = cache.Find(hash, revocations.Generation);
        if (valid is null)
        {
            // Taken before the lookup: a revocation committed while it runs keeps the result out of the cache.
            var generation = revocations.Generation;
            var key = await db.ApiKeys.AsNoTracking()
                .Where(candidate => candidate.KeyHash == hash && candidate.RevokedAt == null)
                .Select(candidate => new { candidate.Id, candidate.UserId, candidate.Scopes, candidate.ExpiresAt })
                .SingleOrDefaultAsync(cancellationToken);
            if (key is null)
            {
                return null;
            }

            valid = new ValidApiKey(key.Id, key.UserId, key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), key.ExpiresAt);
            cache.Add(hash, valid, generation, revocations.Generation, settings.CredentialRevocationBound);
        }

        if (valid.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return null;
        }

        if (cache.ShouldRecordUse(valid.KeyId, now, LastUsedResolution))
        {
            await db.ApiKeys.Where(key => key.Id == valid.KeyId).ExecuteUpdateAsync(set => set.SetProperty(key => key.LastUsedAt, now), cancellationToken);
        }

        return valid;
    }

    private static AuditRecord KeyEvent(string action, ApiKey key, string? remoteAddress) =>
        new(action, AuditActors.Subject) { Subject = key.UserId.ToString(), Target = key.Id.ToString(), RemoteAddress = remoteAddress };

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

/// <summary>The node's cache of validated keys (bounded), and when each key's use was last recorded.</summary>
public sealed class ApiKeyCache : IDisposable
{
    private sealed record Entry(ValidApiKey Key, long Generation);

    private readonly MemoryCache _keys = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastRecorded = new();

    /// <summary>The cached key, unless a revocation (any generation after the one it was cached in) retired it.</summary>
    public ValidApiKey? Find(byte[] hash, long generation) =>
        _keys.TryGetValue(Convert.ToHexString(hash), out Entry? entry) && entry!.Generation == generation ? entry.Key : null;

    /// <summary>Caches a key looked up in <paramref name="startedIn"/>, unless a revocation came since.</summary>
    public void Add(byte[] hash, ValidApiKey valid, long startedIn, long now, TimeSpan lifetime)
    {
        if (lifetime > TimeSpan.Zero && startedIn == now)
        {
            _keys.Set(Convert.ToHexString(hash), new Entry(valid, startedIn), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        }
    }

    public bool ShouldRecordUse(Guid keyId, DateTimeOffset now, TimeSpan resolution)
    {
        var last = _lastRecorded.GetOrAdd(keyId, DateTimeOffset.MinValue);
        return now - last >= resolution && _lastRecorded.TryUpdate(keyId, now, last);
    }

    public void Dispose() => _keys.Dispose();
}
