using System.Collections.Concurrent;
using Glint.Data.OAuth;
using OpenIddict.Core;

namespace Glint.Auth.Clients;

/// <summary>
/// Looks up a client's Hydra fields on the token path. OpenIddict already caches the row; this caches the parsed
/// document beside it, keyed by the row's concurrency token, so an update anywhere is seen at the next lookup.
/// </summary>
public sealed class ClientDirectory(OpenIddictApplicationManager<OAuthClient> manager)
{
    private static readonly ConcurrentDictionary<string, (string Version, HydraClient Client)> Parsed = new(StringComparer.Ordinal);
    private const int MaxParsed = 10_000;

    public async ValueTask<HydraClient?> FindAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || await manager.FindByClientIdAsync(clientId, cancellationToken) is not { } row)
        {
            return null;
        }

        var version = row.ConcurrencyToken ?? "";
        if (Parsed.TryGetValue(clientId, out var entry) && entry.Version == version)
        {
            return entry.Client;
        }

        var client = ClientRecord.Read(row);
        if (Parsed.Count >= MaxParsed)
        {
            Parsed.Clear();
        }

        Parsed[clientId] = (version, client);
        return client;
    }
}
