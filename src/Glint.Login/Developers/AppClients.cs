using System.Text.Json;
using Glint.Auth.Audit;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.Audit;
using Glint.Data.Developers;
using Glint.Data.OAuth;
using OpenIddict.Core;

namespace Glint.Login.Developers;

/// <summary>Who changes an app's client, and from where: what its audit event names.</summary>
public sealed record ClientChangeBy(string ActorKind, string? Subject, string? RemoteAddress)
{
    /// <summary>The operator, deciding on the admin port.</summary>
    public static ClientChangeBy Admin(string? remoteAddress) => new(AuditActors.Admin, null, remoteAddress);

    /// <summary>The developer who owns the app, in the portal.</summary>
    public static ClientChangeBy Developer(string subject, string? remoteAddress) => new(AuditActors.Subject, subject, remoteAddress);

    /// <summary>A self-registered client, acting with its registration access token.</summary>
    public static ClientChangeBy Registrant(string? remoteAddress) => new(AuditActors.Client, null, remoteAddress);
}

/// <summary>
/// The OAuth client of an approved app. It is written through the client admin API's own code path, so it is a client
/// like any other (<c>glint list clients</c>, the Hydra SDK, Terraform), with <c>owner</c> the developer's subject and
/// the app's id in <c>metadata</c>. Every change is audited as the admin API's are (client created, updated, deleted,
/// secret rotated), naming who made it and from where, in the same unit of work as the change.
/// </summary>
public sealed class AppClients(
    GlintDbContext db, ClientManager manager, OpenIddictTokenManager<OAuthToken> tokens, AuditTrail audit, TimeProvider time)
{
    public const string MetadataKey = "glint_app_id";

    /// <summary>Creates the client with the app's approved values; a confidential client gets <paramref name="secret"/>.</summary>
    public async Task<ClientWrite> CreateAsync(DeveloperApp app, string? secret, bool skipConsent, ClientChangeBy by, CancellationToken cancellationToken)
    {
        var client = new ClientMetadata { ClientSecret = secret, SkipConsent = skipConsent };
        Describe(app, client);
        var created = await ClientAdminApi.CreateClientAsync(client, manager, time, cancellationToken);
        if (created.Client?.ClientId is { } clientId)
        {
            await AuditAsync(AuditActions.ClientCreated, clientId, by, null, cancellationToken);
        }

        return created;
    }

    /// <summary>Audits a change of the client <paramref name="clientId"/> made by <paramref name="by"/>.</summary>
    public Task AuditAsync(string action, string clientId, ClientChangeBy by, string? target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        return audit.WriteAsync(db, new AuditRecord(action, by.ActorKind)
        {
            Subject = by.Subject,
            ClientId = clientId,
            Target = target,
            RemoteAddress = by.RemoteAddress,
        }, cancellationToken);
    }

    /// <summary>Writes the app's current approved values over its client, keeping what the operator set (skip consent, lifespans, …).</summary>
    public async Task<ClientWrite?> UpdateAsync(DeveloperApp app, ClientChangeBy by, CancellationToken cancellationToken)
    {
        if (app.ClientId is null || await manager.FindForChangeAsync(app.ClientId, cancellationToken) is not { } row)
        {
            return null;
        }

        var client = ClientMetadata.Read(row);
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

        return await SavedAsync(await ClientAdminApi.SaveClientAsync(row, client, manager, time, cancellationToken), by, "edited", cancellationToken);
    }

    /// <summary>
    /// Lets a self-registered client, held since its registration, get tokens; <paramref name="scope"/>, when given,
    /// is what the operator grants instead of what it registered.
    /// </summary>
    public async Task<ClientWrite?> ReleaseAsync(DeveloperApp app, string? scope, bool skipConsent, ClientChangeBy by, CancellationToken cancellationToken)
    {
        if (app.ClientId is null || await manager.FindForChangeAsync(app.ClientId, cancellationToken) is not { } row)
        {
            return null;
        }

        var client = ClientMetadata.Read(row);
        client.Scope = scope ?? client.Scope;
        client.SkipConsent |= skipConsent;
        row.SuspendedAt = null;
        return await SavedAsync(await ClientAdminApi.SaveClientAsync(row, client, manager, time, cancellationToken), by, "approved", cancellationToken);
    }

    /// <summary>Suspends or resumes the client. Suspending revokes every token it holds at once; the token path refuses it new ones.</summary>
    public async Task SetSuspendedAsync(string clientId, bool suspended, ClientChangeBy by, CancellationToken cancellationToken)
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

        await AuditAsync(AuditActions.ClientUpdated, clientId, by, suspended ? "suspended" : "resumed", cancellationToken);
    }

    /// <summary>Deletes the client; its consents and tokens go with it (OpenIddict's store), and cached ones are retired.</summary>
    public async Task DeleteAsync(string clientId, ClientChangeBy by, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(clientId, cancellationToken) is { } row)
        {
            await manager.DeleteAsync(row, cancellationToken);
            await AuditAsync(AuditActions.ClientDeleted, clientId, by, null, cancellationToken);
        }
    }

    /// <summary>Issues a new secret; the current one keeps working until <paramref name="overlapUntil"/>. Null when the client is gone or public.</summary>
    public async Task<string?> RotateSecretAsync(string clientId, DateTimeOffset overlapUntil, ClientChangeBy by, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(clientId, cancellationToken) is not { ClientSecret: not null } row)
        {
            return null;
        }

        var secret = ClientMetadata.GenerateSecret();
        await manager.RotateSecretAsync(row, secret, overlapUntil, cancellationToken);
        await AuditAsync(AuditActions.ClientSecretRotated, clientId, by, null, cancellationToken);
        return secret;
    }

    /// <summary>Ends a rotation's overlap now: only the newest secret works from here on.</summary>
    public async Task EndOverlapAsync(string clientId, ClientChangeBy by, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(clientId, cancellationToken) is { PreviousSecret: not null } row)
        {
            row.PreviousSecret = null;
            row.PreviousSecretExpiresAt = null;
            await manager.UpdateAsync(row, cancellationToken);
            await AuditAsync(AuditActions.ClientUpdated, clientId, by, "overlap_ended", cancellationToken);
        }
    }

    /// <summary>When the previous secret stops working, or null when no overlap is running.</summary>
    public async Task<DateTimeOffset?> OverlapEndsAsync(string clientId, CancellationToken cancellationToken) =>
        await manager.FindForChangeAsync(clientId, cancellationToken) is { PreviousSecret: not null, PreviousSecretExpiresAt: { } until } && until > time.GetUtcNow()
            ? until
            : null;

    private async Task<ClientWrite> SavedAsync(ClientWrite saved, ClientChangeBy by, string change, CancellationToken cancellationToken)
    {
        if (saved.Client?.ClientId is { } clientId)
        {
            await AuditAsync(AuditActions.ClientUpdated, clientId, by, change, cancellationToken);
        }

        return saved;
    }

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
