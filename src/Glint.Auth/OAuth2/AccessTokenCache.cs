using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Glint.Auth.Revocation;
using Microsoft.Extensions.Caching.Memory;

namespace Glint.Auth.OAuth2;

/// <summary>
/// The node's validated access tokens, so that the API's steady state never reaches the database: bounded in
/// entries, each kept no longer than <see cref="AuthSettings.CredentialRevocationBound"/> nor past its token's
/// expiry, and dropped the moment <see cref="CredentialRevocations"/> reports its token (or anything wider) revoked.
/// Entries are keyed by the SHA-256 of the token, so the cache holds no usable token.
/// </summary>
public sealed class AccessTokenCache : IDisposable
{
    /// <summary>Where a validation started: a revocation after this point keeps its result out of the cache.</summary>
    public readonly record struct Stamp(long Generation, long Evictions);

    private sealed record Entry(ValidToken Token, long Generation);

    private const int MaxEntries = 100_000;
    private const int StackLimit = 1024;

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly ConcurrentDictionary<string, string> _keysByTokenId = new(StringComparer.Ordinal);
    private readonly CredentialRevocations _revocations;
    private readonly TimeSpan _bound;
    private readonly TimeProvider _time;
    private long _evictions;

    public AccessTokenCache(CredentialRevocations revocations, AuthSettings settings, TimeProvider time)
    {
        _revocations = revocations;
        _bound = settings.CredentialRevocationBound;
        _time = time;
        revocations.TokenEvicted += Evict;
    }

    public Stamp Begin() => new(_revocations.Generation, Interlocked.Read(ref _evictions));

    public ValidToken? Find(string key) =>
        _entries.TryGetValue(key, out Entry? entry) && entry!.Generation == _revocations.Generation &&
        (entry.Token.ExpiresAt is not { } expires || expires > _time.GetUtcNow())
            ? entry.Token
            : null;

    public void Add(string key, ValidToken token, Stamp stamp)
    {
        var lifetime = _bound;
        if (token.ExpiresAt is { } expires && expires - _time.GetUtcNow() < lifetime)
        {
            lifetime = expires - _time.GetUtcNow();
        }

        if (lifetime <= TimeSpan.Zero || stamp != Begin())
        {
            return;
        }

        var options = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime };
        if (token.TokenId is { } tokenId)
        {
            _keysByTokenId[tokenId] = key;
            options.RegisterPostEvictionCallback(static (_, _, _, state) =>
            {
                var (index, pair) = ((ConcurrentDictionary<string, string>, KeyValuePair<string, string>))state!;
                index.TryRemove(pair);
            }, (_keysByTokenId, KeyValuePair.Create(tokenId, key)));
        }

        _entries.Set(key, new Entry(token, stamp.Generation), options);
    }

    /// <summary>The cache key of a token: its SHA-256, hex encoded.</summary>
    public static string KeyOf(string token)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        var rented = length > StackLimit ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[StackLimit];
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(token, utf8)], hash);
            return Convert.ToHexString(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public void Dispose()
    {
        _revocations.TokenEvicted -= Evict;
        _entries.Dispose();
    }

    private void Evict(string tokenId)
    {
        Interlocked.Increment(ref _evictions);
        if (_keysByTokenId.TryRemove(tokenId, out var key))
        {
            _entries.Remove(key);
        }
    }
}
