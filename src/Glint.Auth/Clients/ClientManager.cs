using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Glint.Data.OAuth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Glint.Auth.Clients;

/// <summary>
/// OpenIddict's client manager with one change: a secret that verified against a stored hash is remembered for a
/// short while, so a busy client does not pay the slow key derivation on every token request. The cache key is an
/// HMAC of the secret and the stored hash under a per-process random key: nothing in memory reveals a secret, and
/// a changed hash (a new secret) never matches an old entry.
/// </summary>
public sealed class ClientManager(
    IOpenIddictApplicationCache<OAuthClient> cache,
    ILogger<OpenIddictApplicationManager<OAuthClient>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OAuthClient> store,
    TimeProvider time)
    : OpenIddictApplicationManager<OAuthClient>(cache, logger, options, store)
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);
    private const int MaxEntries = 10_000;
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);
    private static readonly ConcurrentDictionary<string, DateTimeOffset> Verified = new(StringComparer.Ordinal);

    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        var key = CacheKey(secret, comparand);
        var now = time.GetUtcNow();
        if (Verified.TryGetValue(key, out var expires) && expires > now)
        {
            return true;
        }

        if (!await base.ValidateClientSecretAsync(secret, comparand, cancellationToken))
        {
            return false;
        }

        if (Verified.Count >= MaxEntries)
        {
            Verified.Clear();
        }

        Verified[key] = now + Remember;
        return true;
    }

    private static string CacheKey(string secret, string comparand)
    {
        var input = Encoding.UTF8.GetBytes(secret + "\0" + comparand);
        return Convert.ToBase64String(HMACSHA256.HashData(ProcessKey, input));
    }
}
