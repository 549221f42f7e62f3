namespace Glint.Auth.Clients;

/// <summary>
/// Looks up a client's Hydra fields on the token path: the client the request resolved once, through the node's
/// <see cref="ClientCache"/> (see <see cref="ClientManager.ResolveAsync"/>). The document is shared: read it, never change it.
/// </summary>
public sealed class ClientDirectory(ClientManager manager)
{
    public async ValueTask<ClientMetadata?> FindAsync(string? clientId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(clientId) ? null : (await manager.ResolveAsync(clientId, cancellationToken))?.Client;
}
