using System.Text.Json;
using Glint.Auth.Clients;
using Glint.Data.Developers;
using Glint.Data.OAuth;
using OpenIddict.Core;

namespace Glint.Login.Developers;

/// <summary>
/// The OAuth client of an approved app. It is written through the client admin API's own code path, so it is a client
/// like any other (<c>glint list clients</c>, the Hydra SDK, Terraform), with <c>owner</c> the developer's subject and
/// the app's id in <c>metadata</c>.
/// </summary>
public sealed class AppClients(ClientManager manager, OpenIddictTokenManager<OAuthToken> tokens, TimeProvider time)
{
    public const string MetadataKey = "glint_app_id";

    /// <summary>Creates the client with the app's approved values; a confidential client gets <paramref name="secret"/>.</summary>
    public Task<ClientWrite> CreateAsync(DeveloperApp app, string? secret, bool skipConsent, CancellationToken cancellationToken)
    {
        var client = new ClientMetadata { ClientSecret = secret, SkipConsent = skipConsent };
        Describe(app, client);
        return ClientAdminApi.CreateClientAsync(client, manager, time, cancellationToken);
    }

    /// <summary>Writes the app's current approved values over its client, keeping what the operator set (skip consent, lifespans, …).</summary>
    public async Task<ClientWrite?> UpdateAsync(DeveloperApp app, CancellationToken cancellationToken)
    {
        if (app.ClientId is null || await manager.FindForChangeAsync(app.ClientId, cancellationToken) is not { } row)
        {
            return null;
        }

        var client = ClientRecord.Read(row);
        if (DynamicRegistrations.IsDynamic(app))
        {
            // The registrant wrote the rest of the client; the review decides its callback URLs and scopes only.
            client.RedirectUris = [.. AppLines.Split(app.RedirectUris)];
            client.Scope = app.Scopes;
        }
        else
        {
            Describe(app, client);
        }

        return await ClientAdminApi.SaveClientAsync(row, client, manager, time, cancellationToken);
    }

    /// <summary>
    /// Lets a self-registered client, held since its registration, get tokens; <paramref name="scope"/>, when given,
    /// is what the operator grants instead of what it registered.
    /// </summary>
    public async Task<ClientWrite?> ReleaseAsync(DeveloperApp app, string? scope, bool skipConsent, CancellationToken cancellationToken)
    {
        if (app.ClientId is null || await manager.FindForChangeAsync(app.ClientId, cancellationToken) is not { } row)
        {
            return null;
        }

        var client = ClientRecord.Read(row);
        client.Scope = scope ?? client.Scope;
        client.SkipConsent |= skipConsent;
        row.SuspendedAt = null;
        return await ClientAdminApi.SaveClientAsync(row, client, manager, time, cancellationToken);
    }

    /// <summary>Suspends or resumes the client. Suspending revokes every token it holds at once; the token path refuses it new ones.</summary>
    public async Task SetSuspendedAsync(string clientId, bool suspended, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(clientId, cancellationToken) is not { } row)
        {
            return;
        }

        row.SuspendedAt = suspended ? time.GetUtcNow() : null;
        await manager.UpdateAsync(row, cancellationToken);
        if (suspended && row.Id is { } id)
        {
            await tokens.RevokeByApplicationIdAsync(id, cancellationToken);
        }
    }

    /// <summary>Deletes the client; its consents and tokens go with it (OpenIddict's store), and cached ones are retired.</summary>
    public async Task DeleteAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(clientId, cancellationToken) is { } row)
        {
            await manager.DeleteAsync(row, cancellationToken);
        }
    }

    /// <summary>Issues a new secret; the current one keeps working until <paramref name="overlapUntil"/>. Null when the client is gone or public.</summary>
    public async Task<string?> RotateSecretAsync(string clientId, DateTimeOffset overlapUntil, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(clientId, cancellationToken) is not { ClientSecret: not null } row)
        {
            return null;
        }

        var secret = ClientRecord.GenerateSecret();
        await manager.RotateSecretAsync(row, secret, overlapUntil, cancellationToken);
        return secret;
    }

    /// <summary>Ends a rotation's overlap now: only the newest secret works from here on.</summary>
    public async Task EndOverlapAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(clientId, cancellationToken) is { PreviousSecret: not null } row)
        {
            row.PreviousSecret = null;
            row.PreviousSecretExpiresAt = null;
            await manager.UpdateAsync(row, cancellationToken);
        }
    }

    /// <summary>When the previous secret stops working, or null when no overlap is running.</summary>
    public async Task<DateTimeOffset?> OverlapEndsAsync(string clientId, CancellationToken cancellationToken) =>
        await manager.FindForChangeAsync(clientId, cancellationToken) is { PreviousSecret: not null, PreviousSecretExpiresAt: { } until } && until > time.GetUtcNow()
            ? until
            : null;

    private static void Describe(DeveloperApp app, ClientMetadata client)
    {
        var scopes = app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var offline = scopes.Any(scope => scope is "offline" or "offline_access");
        client.ClientName = app.Name;
        client.Owner = app.Subject;
        client.RedirectUris = [.. AppLines.Split(app.RedirectUris)];
        client.Scope = string.Join(' ', scopes);
        client.GrantTypes = offline ? ["authorization_code", "refresh_token"] : ["authorization_code"];
        client.ResponseTypes = ["code"];
        client.TokenEndpointAuthMethod = app.AuthMethod;
        client.ClientUri = app.HomepageUrl;
        client.LogoUri = app.LogoUrl;
        client.PolicyUri = app.PrivacyUrl;
        client.TosUri = app.TermsUrl;
        client.Contacts = [app.ContactEmail];
        client.Metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [MetadataKey] = app.Id.ToString("D") });
    }
}

/// <summary>Callback URLs are stored one per line.</summary>
public static class AppLines
{
    public static IReadOnlyList<string> Split(string? lines) =>
        (lines ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static string Join(IEnumerable<string> values) => string.Join('\n', values);
}
