using System.Text;
using Glint.Data;
using Glint.Data.Developers;
using Glint.Data.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Developers;

/// <summary>
/// The operator's side: the review queue and the decisions. Approving, rejecting and requesting changes apply to an
/// app awaiting review (a new registration, or an approved app's edit that widened it); suspending applies to an
/// approved app and resuming to a suspended one. Each decision is recorded and emailed to the developer.
/// </summary>
public sealed class AppReview(GlintDbContext db, AppClients clients, AppMail mail, KeySealer sealer, LoginOptions options, TimeProvider time)
{
    public const string Operator = "operator";
    public const int MaxMessageLength = 2000;

    public async Task<IReadOnlyList<DeveloperApp>> ListAsync(string? status, int limit, CancellationToken cancellationToken)
    {
        var apps = db.DeveloperApps.AsNoTracking();
        if (status == DeveloperAppStatus.Pending)
        {
            apps = apps.Where(app => app.Status == DeveloperAppStatus.Pending || app.PendingRedirectUris != null || app.PendingScopes != null);
        }
        else if (status is not null)
        {
            apps = apps.Where(app => app.Status == status);
        }

        return await apps.OrderBy(app => app.CreatedAt).ThenBy(app => app.Id).Take(limit).ToListAsync(cancellationToken);
    }

    public Task<DeveloperApp?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.DeveloperApps.AsNoTracking().FirstOrDefaultAsync(app => app.Id == id, cancellationToken);

    public async Task<IReadOnlyList<DeveloperAppEvent>?> HistoryAsync(Guid id, CancellationToken cancellationToken)
    {
        var events = await db.DeveloperAppEvents.AsNoTracking().Where(entry => entry.AppId == id).OrderBy(entry => entry.Id).Take(1000).ToListAsync(cancellationToken);
        return events.Count == 0 && !await db.DeveloperApps.AnyAsync(app => app.Id == id, cancellationToken) ? null : events;
    }

    /// <summary>
    /// Approves a registration (creating its client, with a secret the developer is shown once) or an approved app's
    /// pending changes (applying them to its client). <paramref name="scopes"/>, when given, is what the operator
    /// grants instead of what was asked for.
    /// </summary>
    public async Task<AppResult> ApproveAsync(Guid id, IReadOnlyList<string>? scopes, bool skipConsent, string? remoteAddress, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.DeveloperApps.FirstOrDefaultAsync(app => app.Id == id, cancellationToken) is not { } app)
        {
            return AppFailure.NotFound(id);
        }

        // A self-registered client may also be granted the default scope it was allowed to ask for.
        var grantable = DynamicRegistrations.IsDynamic(app) ? DynamicRegistrations.OfferedScopes(options.Developers) : options.Developers.Scopes;
        if (scopes is { Count: > 0 } && scopes.FirstOrDefault(scope => !grantable.Contains(scope, StringComparer.Ordinal)) is { } unknown)
        {
            return new AppFailure(AppFailureKind.Invalid, $"Field scope: '{unknown}' is not a published scope; choose from {string.Join(", ", grantable)}.");
        }

        if ((NotAwaitingReview(app, "approved") ?? await ClaimAsync(app, cancellationToken)) is { } wrong)
        {
            return wrong;
        }

        if (app.ClientId is null)
        {
            if (scopes is { Count: > 0 })
            {
                app.Scopes = string.Join(' ', options.Developers.Scopes.Where(scopes.Contains));
            }

            var secret = app.AuthMethod == "none" ? null : Auth.Clients.ClientMetadata.GenerateSecret();
            var created = await clients.CreateAsync(app, secret, skipConsent, ClientChangeBy.Admin(remoteAddress), cancellationToken);
            if (created.Client is not { } client)
            {
                return new AppFailure(AppFailureKind.Invalid, "The app's client could not be created.", created.Error);
            }

            app.ClientId = client.ClientId;
            app.SealedSecret = secret is null ? null : sealer.Seal(Encoding.UTF8.GetBytes(secret), SecretKeyId(app.Id));
            app.Status = DeveloperAppStatus.Approved;
        }
        else if (!WasApproved(app))
        {
            // A self-registered client, held since its registration: approval lets it get tokens.
            if (scopes is { Count: > 0 })
            {
                app.Scopes = string.Join(' ', grantable.Where(scopes.Contains));
            }

            if (await clients.ReleaseAsync(app, scopes is { Count: > 0 } ? app.Scopes : null, skipConsent, ClientChangeBy.Admin(remoteAddress), cancellationToken)
                is { Client: null } failed)
            {
                return new AppFailure(AppFailureKind.Invalid, "The app's client could not be updated.", failed.Error);
            }

            app.Status = DeveloperAppStatus.Approved;
        }
        else
        {
            app.RedirectUris = app.PendingRedirectUris ?? app.RedirectUris;
            app.Scopes = scopes is { Count: > 0 } ? string.Join(' ', options.Developers.Scopes.Where(scopes.Contains)) : app.PendingScopes ?? app.Scopes;
            app.PendingRedirectUris = app.PendingScopes = null;
            if (await clients.UpdateAsync(app, ClientChangeBy.Admin(remoteAddress), cancellationToken) is { Client: null } failed)
            {
                return new AppFailure(AppFailureKind.Invalid, "The app's client could not be updated.", failed.Error);
            }
        }

        app.StatusMessage = null;
        return await DecideAsync(app, transaction, "approved", null, cancellationToken);
    }

    public Task<AppResult> RequestChangesAsync(Guid id, string? message, CancellationToken cancellationToken) =>
        SendBackAsync(id, DeveloperAppStatus.ChangesRequested, "changes requested", "message", message, cancellationToken);

    public Task<AppResult> RejectAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        SendBackAsync(id, DeveloperAppStatus.Rejected, "rejected", "reason", reason, cancellationToken);

    public async Task<AppResult> SuspendAsync(Guid id, string? reason, string? remoteAddress, CancellationToken cancellationToken)
    {
        if (reason?.Length > MaxMessageLength)
        {
            return new AppFailure(AppFailureKind.Invalid, $"Field reason: at most {MaxMessageLength} characters.");
        }

        if (reason?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return NulRefused("reason");
        }

        return await SetSuspendedAsync(id, true, reason?.Trim(), remoteAddress, cancellationToken);
    }

    public Task<AppResult> ResumeAsync(Guid id, string? remoteAddress, CancellationToken cancellationToken) =>
        SetSuspendedAsync(id, false, null, remoteAddress, cancellationToken);

    /// <summary>The key id a secret awaiting its showing is sealed under: bound to its app, so it cannot be moved to another.</summary>
    public static string SecretKeyId(Guid appId) => "app-secret:" + appId.ToString("D");

    private async Task<AppResult> SendBackAsync(Guid id, string status, string decision, string field, string? message, CancellationToken cancellationToken)
    {
        message = message?.Trim();
        if (string.IsNullOrEmpty(message) || message.Length > MaxMessageLength)
        {
            return new AppFailure(AppFailureKind.Invalid, $"Field {field}: tell the developer why, in 1 to {MaxMessageLength} characters.");
        }

        if (message.Contains('\0', StringComparison.Ordinal))
        {
            return NulRefused(field);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.DeveloperApps.FirstOrDefaultAsync(app => app.Id == id, cancellationToken) is not { } app)
        {
            return AppFailure.NotFound(id);
        }

        if ((NotAwaitingReview(app, decision) ?? await ClaimAsync(app, cancellationToken)) is { } wrong)
        {
            return wrong;
        }

        if (!WasApproved(app))
        {
            app.Status = status;
        }
        else
        {
            // An approved app's widening edit is turned down; the app keeps what was approved.
            app.PendingRedirectUris = app.PendingScopes = null;
        }

        app.StatusMessage = message;
        return await DecideAsync(app, transaction, decision, message, cancellationToken);
    }

    private async Task<AppResult> SetSuspendedAsync(Guid id, bool suspend, string? reason, string? remoteAddress, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.DeveloperApps.FirstOrDefaultAsync(app => app.Id == id, cancellationToken) is not { } app)
        {
            return AppFailure.NotFound(id);
        }

        var from = suspend ? DeveloperAppStatus.Approved : DeveloperAppStatus.Suspended;
        if (app.Status != from)
        {
            return new AppFailure(AppFailureKind.WrongState,
                $"App {id} is {app.Status}: only an {from} app can be {(suspend ? "suspended" : "resumed")}.");
        }

        if (await ClaimAsync(app, cancellationToken) is { } raced)
        {
            return raced;
        }

        await clients.SetSuspendedAsync(app.ClientId!, suspend, ClientChangeBy.Admin(remoteAddress), cancellationToken);
        app.Status = suspend ? DeveloperAppStatus.Suspended : DeveloperAppStatus.Approved;
        app.StatusMessage = suspend ? reason : null;
        return await DecideAsync(app, transaction, suspend ? "suspended" : "resumed", reason, cancellationToken);
    }

    /// <summary>
    /// Takes the app for this decision: a second decision racing this one finds the app changed and is refused, on
    /// either database (PostgreSQL holds the row until this transaction ends).
    /// </summary>
    private async Task<AppFailure?> ClaimAsync(DeveloperApp app, CancellationToken cancellationToken)
    {
        var seen = app.UpdatedAt;
        var claimed = await db.DeveloperApps.Where(row => row.Id == app.Id && row.UpdatedAt == seen)
            .ExecuteUpdateAsync(set => set.SetProperty(row => row.UpdatedAt, seen.AddTicks(1)), cancellationToken);
        return claimed == 1 ? null : new AppFailure(AppFailureKind.WrongState, $"App {app.Id} was changed while this decision was made; look at it again.");
    }

    /// <summary>
    /// A NUL in a message to the developer: PostgreSQL cannot store one (SQLite would), and it would reach the
    /// developer's email and page as a stray control character.
    /// </summary>
    private static AppFailure NulRefused(string field) =>
        new(AppFailureKind.Invalid, $"Field {field}: the message must not contain the NUL character.");

    /// <summary>Approved once (and maybe suspended since): what awaits review is an edit, not the app.</summary>
    private static bool WasApproved(DeveloperApp app) => app.Status is DeveloperAppStatus.Approved or DeveloperAppStatus.Suspended;

    private static AppFailure? NotAwaitingReview(DeveloperApp app, string decision)
    {
        var awaiting = app.Status == DeveloperAppStatus.Pending || app.PendingRedirectUris is not null || app.PendingScopes is not null;
        return awaiting ? null : new AppFailure(AppFailureKind.WrongState,
            $"App {app.Id} is {app.Status.Replace('_', ' ')} with no changes awaiting review: only a pending app can be {decision}.");
    }

    private async Task<AppResult> DecideAsync(
        DeveloperApp app, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, string decision, string? message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        app.UpdatedAt = now;
        db.DeveloperAppEvents.Add(new DeveloperAppEvent { AppId = app.Id, At = now, Actor = Operator, Action = decision.Replace(' ', '_'), Message = message });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await mail.DecidedAsync(app, decision, message, cancellationToken);
        return app;
    }
}
