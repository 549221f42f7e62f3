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
/// OpenIddict's client manager with two changes for the token path.
/// <list type="bullet">
/// <item>A client is resolved once per request: from the node's <see cref="ClientCache"/>, or else from the database
/// once, and then kept for the rest of the request, whichever handler asks (client authentication, the grant checks,
/// the token entry). Changes through this manager evict the client on every node.</item>
/// <item>A secret that verified against a stored hash is remembered for a short while, so a busy client does not pay
/// the slow key derivation on every token request. The cache key is an HMAC of the secret and the stored hash under a
/// per-process random key: nothing in memory reveals a secret, and a changed hash (a new secret) never matches an
/// old entry.</item>
/// </list>
/// Callers that change a client read it with <see cref="FindForChangeAsync"/>, from the database, not a snapshot.
/// </summary>
public sealed class ClientManager(
    IOpenIddictApplicationCache<Client> cache,
    ILogger<OpenIddictApplicationManager<Client>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<Client> store,
    TimeProvider time,
    Revocation.CredentialRevocations revocations,
    ClientCache clients,
    ClientKeySets keySets)
    : OpenIddictApplicationManager<Client>(cache, logger, options, store)
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(5);
    private const int MaxEntries = 10_000;
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);
    private static readonly ConcurrentDictionary<string, DateTimeOffset> Verified = new(StringComparer.Ordinal);

    private (Client Row, ClientMetadata Metadata)? _resolved;

    /// <summary>The client with its metadata, resolved once for the request; null when there is no such client.</summary>
    public async ValueTask<(Client Row, ClientMetadata Metadata)?> ResolveAsync(string clientId, CancellationToken cancellationToken = default)
    {
        if (_resolved is { } resolved && string.Equals(resolved.Row.ClientId, clientId, StringComparison.Ordinal))
        {
            return resolved;
        }

        if (clients.Find(clientId) is not { } found)
        {
            if (!ClientLimits.CouldBeStoredId(clientId))
            {
                return null;
            }

            var stamp = clients.Begin();
            if (await base.FindByClientIdAsync(clientId, cancellationToken) is not { } row)
            {
                return null;
            }

            found = (row, ClientMetadata.Read(row));
            clients.Add(row, found.Metadata, stamp);
        }

        _resolved = found;
        return found;
    }

    /// <summary>
    /// The client's metadata as resolved once for the request (see <see cref="ResolveAsync"/>), for the token path and
    /// the challenge documents; null for no client id or no such client. It is shared: read it, never change it.
    /// </summary>
    public async ValueTask<ClientMetadata?> FindMetadataAsync(string? clientId, CancellationToken cancellationToken = default) =>
        string.IsNullOrEmpty(clientId) ? null : (await ResolveAsync(clientId, cancellationToken))?.Metadata;

    public override async ValueTask<Client?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        return (await ResolveAsync(identifier, cancellationToken))?.Row;
    }

    /// <summary>The client's row as stored now, tracked for an update or a delete.</summary>
    public ValueTask<Client?> FindForChangeAsync(string clientId, CancellationToken cancellationToken = default) =>
        base.FindByClientIdAsync(clientId, cancellationToken);

    public override async ValueTask UpdateAsync(Client application, CancellationToken cancellationToken = default)
    {
        try
        {
            await base.UpdateAsync(application, cancellationToken);
        }
        finally
        {
            // Also after a failed update: a conflict means some other node changed the client.
            Changed(application);
        }
    }

    /// <summary>Deleting a client deletes its consents and tokens with it; cached tokens must go too.</summary>
    public override async ValueTask DeleteAsync(Client application, CancellationToken cancellationToken = default)
    {
        try
        {
            await base.DeleteAsync(application, cancellationToken);
        }
        finally
        {
            Changed(application);
        }

        revocations.Revoked();
    }

    private void Changed(Client application)
    {
        _resolved = null;
        if (application.ClientId is { } clientId)
        {
            revocations.ClientChanged(clientId);
        }
    }

    /// <summary>
    /// The keys a client's assertions are checked with (<c>private_key_jwt</c>): its registered <c>jwks</c>, or the set
    /// published at its <c>jwks_uri</c>, which <see cref="OAuth2.GlintServerHandlers.ClientAssertions"/> has fetched
    /// before OpenIddict asks (OpenIddict asks from a synchronous callback).
    /// </summary>
    public override async ValueTask<Microsoft.IdentityModel.Tokens.JsonWebKeySet?> GetJsonWebKeySetAsync(Client application, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (application.ClientId is { } clientId && (await ResolveAsync(clientId, cancellationToken))?.Metadata.JwksUri is { Length: > 0 } jwksUri)
        {
            return keySets.Cached(jwksUri) ?? await keySets.GetAsync(jwksUri, cancellationToken);
        }

        return await base.GetJsonWebKeySetAsync(application, cancellationToken);
    }

    /// <summary>
    /// The current secret, or during a rotation's overlap the previous one too. The previous hash is tried only after the
    /// current one failed, so a client that has moved on pays nothing for the overlap.
    /// </summary>
    public override async ValueTask<bool> ValidateClientSecretAsync(Client application, string secret, CancellationToken cancellationToken = default)
    {
        if (await base.ValidateClientSecretAsync(application, secret, cancellationToken))
        {
            return true;
        }

        return application.PreviousSecret is { Length: > 0 } previous && application.PreviousSecretExpiresAt is { } until &&
            until > time.GetUtcNow() && !string.IsNullOrEmpty(secret) && await ValidateClientSecretAsync(secret, previous, cancellationToken);
    }

    /// <summary>Starts a rotation: <paramref name="newSecret"/> replaces the current secret, which keeps working until <paramref name="overlapUntil"/>.</summary>
    public async ValueTask RotateSecretAsync(Client application, string newSecret, DateTimeOffset overlapUntil, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        application.PreviousSecret = application.ClientSecret;
        application.PreviousSecretExpiresAt = overlapUntil;
        await UpdateAsync(application, newSecret, cancellationToken);
    }

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

    /// <summary>
    /// Exact matching, plus RFC 8252 §7.3 as Hydra applies it: a native app listening on an ephemeral port of a
    /// loopback IP (<c>http://127.0.0.1</c>, <c>http://[::1]</c>) matches its registered URI whatever the port, as long
    /// as the path and query are the same. Host names such as <c>localhost</c> still match exactly.
    /// </summary>
    public override async ValueTask<bool> ValidateRedirectUriAsync(Client application, string uri, CancellationToken cancellationToken = default)
    {
        if (await base.ValidateRedirectUriAsync(application, uri, cancellationToken))
        {
            return true;
        }

        if (!IsLoopbackIp(uri, out var requested))
        {
            return false;
        }

        foreach (var candidate in await Store.GetRedirectUrisAsync(application, cancellationToken))
        {
            if (IsLoopbackIp(candidate, out var registered) && registered.Host == requested.Host &&
                string.Equals(registered.PathAndQuery, requested.PathAndQuery, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoopbackIp(string value, out Uri uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri!) && uri.Scheme == Uri.UriSchemeHttp && uri.Fragment.Length == 0 &&
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && uri.IsLoopback;

    private static string CacheKey(string secret, string comparand)
    {
        var input = Encoding.UTF8.GetBytes(secret + "\0" + comparand);
        return Convert.ToBase64String(HMACSHA256.HashData(ProcessKey, input));
    }
}
