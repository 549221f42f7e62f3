using System.Text.Json;
using System.Text.Json.Nodes;
using Glint.Auth;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.Audit;
using Glint.Data.Developers;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Developers;

/// <summary>
/// Clients that register themselves (RFC 7591) and manage their registration with its access token (RFC 7592), as
/// Hydra's <c>/oauth2/register</c> does. Each becomes an app in the operator's review queue, with its client held
/// (no tokens) until approved, unless the operator approves them automatically. Registrants set the client's
/// protocol metadata only: what the operator decides (skip consent, lifespans, token strategy, metadata) is never
/// theirs, and their callback URLs follow the portal's rules.
/// </summary>
public sealed class DynamicRegistrations(GlintDbContext db, ClientManager manager, AppClients clients, LoginOptions options, AuthSettings auth, TimeProvider time)
{
    /// <summary>An app registered this way has no developer account behind it: its registration access token is its credential.</summary>
    public const string NoDeveloper = "";

    /// <summary>Who the app's history names for the registrant's own steps.</summary>
    public const string Registrant = "registrant";

    public const string Path = "/oauth2/register";

    private const string Description = "Registered through dynamic client registration (RFC 7591); no developer account.";

    private DynamicRegistrationOptions Settings => options.Developers.DynamicRegistration;

    public static bool IsDynamic(DeveloperApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Subject == NoDeveloper;
    }

    /// <summary>The scopes a registration may ask for, and the operator grant it: the portal's published ones and the default scope's.</summary>
    public static IReadOnlyList<string> OfferedScopes(DeveloperPortalOptions portal)
    {
        ArgumentNullException.ThrowIfNull(portal);
        return [.. portal.Scopes.Union(portal.DynamicRegistration.DefaultScope, StringComparer.Ordinal)];
    }

    public string ConfigurationUri(string clientId) => new Uri(auth.PublicBase, "oauth2/register/" + Uri.EscapeDataString(clientId)).AbsoluteUri;

    /// <summary>Registers the client; the reply carries its secret (if any) and the registration access token, once.</summary>
    public async Task<IResult> RegisterAsync(ClientMetadata client, string? remoteAddress, CancellationToken cancellationToken)
    {
        if ((Refusal(client, creating: true) ?? Check(client)) is { } refused)
        {
            return refused;
        }

        // Who owns a client is the operator's to say: a registrant naming another user would be shown as theirs.
        // Replaced rather than refused, as RFC 7591 (section 3.2.1) lets a server do with a value it does not accept.
        client.Owner = null;
        var now = time.GetUtcNow();
        var app = new DeveloperApp
        {
            Id = Guid.NewGuid(),
            Subject = NoDeveloper,
            Name = "",
            Description = Description,
            ContactEmail = "",
            RedirectUris = "",
            Scopes = "",
            AuthMethod = "",
            Status = Settings.AutoApprove ? DeveloperAppStatus.Approved : DeveloperAppStatus.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
        client.Metadata = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [AppClients.MetadataKey] = app.Id.ToString("D") });

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await ClientAdminApi.CreateClientAsync(client, manager, time, cancellationToken);
        if (created.Client is not { } registered)
        {
            return created.Error!;
        }

        var row = (await manager.FindForChangeAsync(registered.ClientId!, cancellationToken))!;
        var token = RegistrationAccessToken.Issue(row);
        // Held until the operator approves: the token path refuses a suspended client.
        row.SuspendedAt = Settings.AutoApprove ? null : now;
        await manager.UpdateAsync(row, cancellationToken);

        app.ClientId = registered.ClientId;
        Mirror(app, registered, withGrants: true);
        db.DeveloperApps.Add(app);
        Record(app, Registrant, "registered", null);
        if (Settings.AutoApprove)
        {
            Record(app, AppReview.Operator, "approved", "Approved automatically (oidc.dynamic_client_registration.auto_approve).");
        }

        await db.SaveChangesAsync(cancellationToken);
        await clients.AuditAsync(AuditActions.ClientCreated, registered.ClientId!, ClientChangeBy.Registrant(remoteAddress), null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Reply(registered, token, StatusCodes.Status201Created);
    }

    /// <summary>RFC 7592 read: the client as registered, without its secret.</summary>
    public async Task<IResult> ReadAsync(string clientId, string? token, CancellationToken cancellationToken) =>
        await AuthorizedAsync(clientId, token, cancellationToken) is { } row
            ? Reply(ClientMetadata.Read(row), null, StatusCodes.Status200OK)
            : Unauthorized(token);

    /// <summary>
    /// RFC 7592 update: the body replaces the registration and a new registration access token replaces the old one,
    /// as Hydra does. Once approved, callback URLs or scopes beyond the approved ones wait for the operator's review,
    /// and the client keeps its approved ones until then, as an edit in the portal does.
    /// </summary>
    public async Task<IResult> UpdateAsync(string clientId, string? token, ClientMetadata client, string? remoteAddress, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await AuthorizedAsync(clientId, token, cancellationToken) is not { } row)
        {
            return Unauthorized(token);
        }

        if (!string.IsNullOrEmpty(client.ClientSecret))
        {
            return HydraError.Result(StatusCodes.Status403Forbidden, "The requested action was forbidden", "It is not allowed to choose your own OAuth2 Client secret.");
        }

        if (!string.IsNullOrEmpty(client.ClientId) && client.ClientId != clientId)
        {
            return HydraError.InvalidRequest($"Field client_id must be this client's id, {clientId}, or left out.");
        }

        client.ClientId = null;
        if ((Refusal(client, creating: false) ?? Check(client)) is { } refused)
        {
            return refused;
        }

        var app = await db.DeveloperApps.FirstOrDefaultAsync(entry => entry.ClientId == clientId, cancellationToken);
        if (app is { Status: DeveloperAppStatus.Rejected })
        {
            return HydraError.Result(StatusCodes.Status403Forbidden, "The requested action was forbidden",
                "The operator rejected this registration" + (app.StatusMessage is { } reason ? $" ({reason})" : "") + ": register a new client instead.");
        }

        var current = ClientMetadata.Read(row);
        KeepOperatorFields(current, client);
        var action = "edited";
        if (app is { Status: DeveloperAppStatus.Approved or DeveloperAppStatus.Suspended })
        {
            var approvedUris = AppLines.Split(app.RedirectUris);
            var approvedScopes = app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var requestedScopes = (client.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if ((client.RedirectUris ?? []).Except(approvedUris, StringComparer.Ordinal).Any() || requestedScopes.Except(approvedScopes, StringComparer.Ordinal).Any())
            {
                app.PendingRedirectUris = AppLines.Join(client.RedirectUris ?? []);
                app.PendingScopes = string.Join(' ', requestedScopes);
                client.RedirectUris = [.. approvedUris];
                client.Scope = app.Scopes;
                action = "changes_submitted";
            }
            else
            {
                app.PendingRedirectUris = app.PendingScopes = null;
            }
        }
        else if (app is { Status: DeveloperAppStatus.ChangesRequested })
        {
            app.Status = DeveloperAppStatus.Pending;
            action = "resubmitted";
        }

        var newToken = RegistrationAccessToken.Issue(row);
        var saved = await ClientAdminApi.SaveClientAsync(row, client, manager, time, cancellationToken);
        if (saved.Client is not { } updated)
        {
            return saved.Error!;
        }

        if (app is not null)
        {
            Mirror(app, updated, withGrants: action != "changes_submitted");
            app.UpdatedAt = time.GetUtcNow();
            Record(app, Registrant, action, null);
            await db.SaveChangesAsync(cancellationToken);
        }

        await clients.AuditAsync(AuditActions.ClientUpdated, clientId, ClientChangeBy.Registrant(remoteAddress), action, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Reply(updated, newToken, StatusCodes.Status200OK);
    }

    /// <summary>RFC 7592 delete: the client goes, with every token and consent of it, and its app with it.</summary>
    public async Task<IResult> DeleteAsync(string clientId, string? token, string? remoteAddress, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await AuthorizedAsync(clientId, token, cancellationToken) is null)
        {
            return Unauthorized(token);
        }

        await clients.DeleteAsync(clientId, ClientChangeBy.Registrant(remoteAddress), cancellationToken);
        if (await db.DeveloperApps.FirstOrDefaultAsync(entry => entry.ClientId == clientId, cancellationToken) is { } app)
        {
            db.DeveloperApps.Remove(app);
            Record(app, Registrant, "deleted", null);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return Results.NoContent();
    }

    /// <summary>
    /// Hydra's refusals for what only the server or the operator may set, in Hydra's words; Glint adds the token
    /// lifespans, which are the operator's too.
    /// </summary>
    private static IResult? Refusal(ClientMetadata client, bool creating)
    {
        if (creating && !string.IsNullOrEmpty(client.ClientSecret))
        {
            return HydraError.Malformed("It is not allowed to choose your own OAuth2 Client secret.");
        }

        if (creating && !string.IsNullOrEmpty(client.ClientId))
        {
            return HydraError.Malformed("It is no longer possible to set an OAuth2 Client ID as a user. The system will generate a unique ID for you.");
        }

        if (client.Metadata is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return HydraError.InvalidClientMetadata("'metadata' cannot be set for dynamic client registration");
        }

        if (!string.IsNullOrEmpty(client.AccessTokenStrategy))
        {
            return HydraError.Malformed("It is not allowed to choose your own access token strategy.");
        }

        if (client.SkipConsent)
        {
            return HydraError.InvalidRequest("'skip_consent' cannot be set for dynamic client registration");
        }

        if (client.SkipLogoutConsent is true)
        {
            return HydraError.InvalidRequest("'skip_logout_consent' cannot be set for dynamic client registration");
        }

        var lifespans = JsonSerializer.SerializeToNode(client, HydraJson.Options)!.AsObject()
            .Where(field => field.Key.EndsWith("_lifespan", StringComparison.Ordinal) && field.Value is not null).Select(field => field.Key).FirstOrDefault();
        return lifespans is null ? null : HydraError.InvalidClientMetadata($"'{lifespans}' cannot be set for dynamic client registration: token lifespans are the operator's.");
    }

    /// <summary>The portal's rules, applied to what a registrant sends: published scopes, https callback URLs (http on loopback), an https logo.</summary>
    private IResult? Check(ClientMetadata client)
    {
        var scopes = (client.Scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0)
        {
            scopes = [.. Settings.DefaultScope];
        }

        var offered = OfferedScopes(options.Developers);
        if (scopes.FirstOrDefault(scope => !offered.Contains(scope, StringComparer.Ordinal)) is { } unknown)
        {
            return HydraError.InvalidClientMetadata($"Field scope: '{unknown}' is not a scope this server offers; choose from {string.Join(", ", offered)}.");
        }

        client.Scope = string.Join(' ', scopes);
        if (client.ClientName is { Length: > AppRules.MaxNameLength })
        {
            return HydraError.InvalidClientMetadata($"Field client_name must be at most {AppRules.MaxNameLength} characters.");
        }

        if (client.Contacts is { Count: > 0 } contacts && contacts[0] is { Length: > 320 })
        {
            return HydraError.InvalidClientMetadata("Field contacts: the first contact must be at most 320 characters.");
        }

        var redirectUris = client.RedirectUris ?? [];
        var needsRedirect = (client.GrantTypes is { Count: > 0 } grants ? grants : ["authorization_code"]).Any(grant => grant is "authorization_code" or "implicit");
        if ((needsRedirect && redirectUris.Count == 0) || redirectUris.Count > AppRules.MaxRedirectUris)
        {
            return HydraError.InvalidRedirectUri($"Field redirect_uris must hold 1 to {AppRules.MaxRedirectUris} callback URLs.");
        }

        foreach (var uri in redirectUris)
        {
            // JSON lets a list hold null where a URL belongs; the portal's rules read only text.
            if (uri is null)
            {
                return HydraError.InvalidRedirectUri("Field redirect_uris must contain URLs, not null.");
            }

            if (AppRules.RedirectUriError(uri, "Field redirect_uris") is { } error)
            {
                return HydraError.InvalidRedirectUri(error);
            }
        }

        foreach (var (field, value, httpsOnly) in new[] { ("Field logo_uri", client.LogoUri, true), ("Field client_uri", client.ClientUri, false), ("Field policy_uri", client.PolicyUri, false), ("Field tos_uri", client.TosUri, false) })
        {
            if (!string.IsNullOrEmpty(value) && AppRules.WebUrlError(field, value, httpsOnly) is { } error)
            {
                return HydraError.InvalidClientMetadata(error);
            }
        }

        return null;
    }

    /// <summary>An update keeps what the operator set: the app link in metadata, the owner, skip consent, the token strategy and lifespans.</summary>
    private static void KeepOperatorFields(ClientMetadata current, ClientMetadata client)
    {
        client.Metadata = current.Metadata;
        client.Owner = current.Owner;
        client.SkipConsent = current.SkipConsent;
        client.SkipLogoutConsent = current.SkipLogoutConsent;
        client.AccessTokenStrategy = current.AccessTokenStrategy;
        var lifespans = JsonSerializer.SerializeToNode(current, HydraJson.Options).Deserialize<ClientLifespans>(HydraJson.Options);
        lifespans?.ApplyTo(client);
    }

    /// <summary>The app shows the client as the operator reviews it; callback URLs and scopes only while they are not yet approved.</summary>
    private static void Mirror(DeveloperApp app, ClientMetadata client, bool withGrants)
    {
        app.Name = client.ClientName is { Length: > 0 } name ? name : "Client " + client.ClientId;
        app.HomepageUrl = NullIfEmpty(client.ClientUri);
        app.LogoUrl = NullIfEmpty(client.LogoUri);
        app.PrivacyUrl = NullIfEmpty(client.PolicyUri);
        app.TermsUrl = NullIfEmpty(client.TosUri);
        app.ContactEmail = client.Contacts is { Count: > 0 } contacts ? contacts[0] : "";
        app.AuthMethod = client.TokenEndpointAuthMethod ?? "client_secret_basic";
        if (withGrants)
        {
            app.RedirectUris = AppLines.Join(client.RedirectUris ?? []);
            app.Scopes = client.Scope ?? "";
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private async Task<Client?> AuthorizedAsync(string clientId, string? token, CancellationToken cancellationToken)
    {
        var row = await manager.FindForChangeAsync(clientId, cancellationToken);
        // An unknown client and a wrong token get the same answer, so the endpoint tells nothing about which ids exist.
        return row is not null && RegistrationAccessToken.Matches(row, token) ? row : null;
    }

    private IResult Reply(ClientMetadata client, string? token, int status)
    {
        var body = client.ToNode().AsObject();
        // Hydra shows a registrant neither the metadata nor a secret it did not just issue.
        body.Remove("metadata");
        if (token is not null)
        {
            body["registration_access_token"] = token;
        }

        body["registration_client_uri"] = ConfigurationUri(client.ClientId!);
        return Results.Json<JsonNode>(body, HydraJson.Options, "application/json; charset=utf-8", status);
    }

    /// <summary>
    /// Hydra's 401, with the Bearer challenge RFC 6750 (section 3) asks of a protected resource: <c>invalid_token</c>
    /// when a registration access token was sent, none when the request carried no token at all.
    /// </summary>
    public static IResult Unauthorized(string? token) => new BearerChallenge(
        HydraError.Result(StatusCodes.Status401Unauthorized, "The request could not be authorized",
            "The requested OAuth 2.0 client does not exist or you provided incorrect credentials."),
        string.IsNullOrEmpty(token) ? "Bearer" : "Bearer error=\"invalid_token\"");

    private sealed class BearerChallenge(IResult refusal, string challenge) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = challenge;
            return refusal.ExecuteAsync(httpContext);
        }
    }

    private void Record(DeveloperApp app, string actor, string action, string? message) =>
        db.DeveloperAppEvents.Add(new DeveloperAppEvent { AppId = app.Id, At = time.GetUtcNow(), Actor = actor, Action = action, Message = message });
}
