using Glint.Auth.Clients;
using Glint.Data.OAuth;
using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;

namespace Glint.Auth.OAuth2;

/// <summary>
/// What Glint's singleton server handlers take from the request they handle: the request's client and, on the paths
/// that need one, a service of the request's scope. A handler that took a scoped service in its constructor was built
/// anew for every request that reached it, one scope lookup and one entry in the scope each (about twenty a token
/// request); as singletons they are built once, and the client they read is the one the request resolved.
/// </summary>
public static class RequestScope
{
    private const string ClientProperty = ".glint:client";

    /// <summary>
    /// The client with its metadata, as the request's <see cref="ClientManager"/> resolved it (once a request: the same
    /// snapshot OpenIddict's handlers authenticated), kept on the transaction so later handlers skip the scope; null
    /// for no client id or no such client. The metadata is shared: read it, never change it.
    /// </summary>
    public static async ValueTask<(Client Row, ClientMetadata Metadata)?> FindClientAsync(
        this OpenIddictServerTransaction transaction, string? clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (string.IsNullOrEmpty(clientId))
        {
            return null;
        }

        if (transaction.Properties.TryGetValue(ClientProperty, out var kept) && kept is Resolved resolved &&
            string.Equals(resolved.ClientId, clientId, StringComparison.Ordinal))
        {
            return resolved.Client;
        }

        var client = await transaction.Services().GetRequiredService<ClientManager>().ResolveAsync(clientId, cancellationToken);
        transaction.Properties[ClientProperty] = new Resolved(clientId, client);
        return client;
    }

    /// <summary>The client's metadata as <see cref="FindClientAsync"/> resolves it.</summary>
    public static async ValueTask<ClientMetadata?> FindClientMetadataAsync(
        this OpenIddictServerTransaction transaction, string? clientId, CancellationToken cancellationToken) =>
        (await transaction.FindClientAsync(clientId, cancellationToken))?.Metadata;

    /// <summary>The request's services (its scope). Glint's OpenIddict server runs only inside ASP.NET Core requests.</summary>
    public static IServiceProvider Services(this OpenIddictServerTransaction transaction) =>
        transaction.GetHttpRequest()?.HttpContext.RequestServices
            ?? throw new InvalidOperationException("Glint's OpenIddict server handlers run only within an ASP.NET Core request.");

    /// <summary>A resolution, absent clients too (so they are not looked up again), under the id asked for.</summary>
    private sealed record Resolved(string ClientId, (Client Row, ClientMetadata Metadata)? Client);
}
