using System.Collections.Concurrent;
using Glint.Auth.Revocation;
using Glint.Data.OAuth;

namespace Glint.Auth.Clients;

/// <summary>
/// The node's clients, so that a token request does not read the client's row: a snapshot of the row and its parsed
/// Hydra document per client, bounded in entries and kept no longer than <see cref="AuthSettings.CredentialRevocationBound"/>.
/// A client updated or deleted is evicted through <see cref="CredentialRevocations"/>, at once on the node that changed
/// it and on the other nodes as soon as the news arrives; anything wider revoked retires every entry.
/// <para>
/// Snapshots are never handed out: each request gets its own copy of the row (see <see cref="ClientManager"/>), so
/// nothing a request does to its row reaches another request.
/// </para>
/// </summary>
public sealed class ClientCache : IDisposable
{
    /// <summary>Where a lookup started: an eviction after this point keeps its result out of the cache.</summary>
    public readonly record struct Stamp(long Generation, long Evictions);

    private sealed record Entry(Client Row, ClientMetadata Client, long Generation, DateTimeOffset Expires);

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly CredentialRevocations _revocations;
    private readonly TimeSpan _bound;
    private readonly TimeProvider _time;
    private long _evictions;

    public ClientCache(CredentialRevocations revocations, AuthSettings settings, TimeProvider time)
    {
        _revocations = revocations;
        _bound = settings.CredentialRevocationBound;
        _time = time;
        revocations.ClientEvicted += Evict;
    }

    public Stamp Begin() => new(_revocations.Generation, Interlocked.Read(ref _evictions));

    /// <summary>A fresh copy of the client's row and its shared, read-only Hydra document; null when not cached.</summary>
    public (Client Row, ClientMetadata Client)? Find(string clientId) =>
        _entries.TryGetValue(clientId, out var entry) && entry.Generation == _revocations.Generation && entry.Expires > _time.GetUtcNow()
            ? (Copy(entry.Row), entry.Client)
            : null;

    public void Add(Client row, ClientMetadata client, Stamp stamp)
    {
        if (row.ClientId is not { } clientId || stamp != Begin())
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[clientId] = new Entry(Copy(row), client, stamp.Generation, _time.GetUtcNow() + _bound);
    }

    public void Dispose() => _revocations.ClientEvicted -= Evict;

    private void Evict(string clientId)
    {
        Interlocked.Increment(ref _evictions);
        _entries.TryRemove(clientId, out _);
    }

    /// <summary>The row's columns; the navigations (its consents and tokens) are never loaded on this path.</summary>
    private static Client Copy(Client row) => new()
    {
        Id = row.Id,
        ApplicationType = row.ApplicationType,
        ClientId = row.ClientId,
        ClientSecret = row.ClientSecret,
        ClientType = row.ClientType,
        ConcurrencyToken = row.ConcurrencyToken,
        ConsentType = row.ConsentType,
        DisplayName = row.DisplayName,
        DisplayNames = row.DisplayNames,
        JsonWebKeySet = row.JsonWebKeySet,
        Permissions = row.Permissions,
        PostLogoutRedirectUris = row.PostLogoutRedirectUris,
        Properties = row.Properties,
        RedirectUris = row.RedirectUris,
        Requirements = row.Requirements,
        Settings = row.Settings,
        Document = row.Document,
        Owner = row.Owner,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
        PreviousSecret = row.PreviousSecret,
        PreviousSecretExpiresAt = row.PreviousSecretExpiresAt,
        SuspendedAt = row.SuspendedAt,
    };
}
