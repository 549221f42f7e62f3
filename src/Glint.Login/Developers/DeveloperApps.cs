using System.Security.Cryptography;
using System.Text;
using Glint.Data;
using Glint.Data.Developers;
using Glint.Data.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Developers;

/// <summary>
/// The developer's side: registering, seeing, editing and deleting their own apps, taking the secret once, and
/// rotating it. A developer only ever reaches their own apps; another developer's app is "not found".
/// </summary>
public sealed class DeveloperApps(GlintDbContext db, AppClients clients, KeySealer sealer, LoginOptions options, TimeProvider time)
{
    /// <summary>What a rotation's overlap may be, as the page and the API say it.</summary>
    public const string OverlapRule = "Overlap: the old secret may keep working for 0 to 168 hours (7 days).";

    private DeveloperPortalOptions Limits => options.Developers;

    public IReadOnlyList<string> PublishedScopes => options.Developers.Scopes;

    public async Task<IReadOnlyList<DeveloperApp>> ListAsync(string subject, CancellationToken cancellationToken) =>
        await db.DeveloperApps.AsNoTracking().Where(app => app.Subject == subject)
            .OrderBy(app => app.CreatedAt).Take(Limits.MaxAppsPerDeveloper + 10).ToListAsync(cancellationToken);

    public Task<DeveloperApp?> FindAsync(string subject, Guid id, CancellationToken cancellationToken) =>
        db.DeveloperApps.AsNoTracking().FirstOrDefaultAsync(app => app.Id == id && app.Subject == subject, cancellationToken);

    public async Task<AppResult> RegisterAsync(string subject, AppForm form, CancellationToken cancellationToken)
    {
        var (valid, error) = AppRules.Validate(form, PublishedScopes);
        if (valid is null)
        {
            return new AppFailure(AppFailureKind.Invalid, error!);
        }

        var now = time.GetUtcNow();
        if (await db.DeveloperApps.CountAsync(app => app.Subject == subject, cancellationToken) >= Limits.MaxAppsPerDeveloper)
        {
            return new AppFailure(AppFailureKind.Limit, $"You have {Limits.MaxAppsPerDeveloper} apps, the most one developer may have: delete one first.");
        }

        var since = now.AddDays(-1);
        if (await db.DeveloperAppEvents.CountAsync(entry => entry.Actor == subject && entry.Action == "registered" && entry.At > since, cancellationToken) >= Limits.MaxRegistrationsPerDay)
        {
            return new AppFailure(AppFailureKind.Limit, $"You have registered {Limits.MaxRegistrationsPerDay} apps in the last 24 hours, the most allowed: try again tomorrow.");
        }

        var app = new DeveloperApp
        {
            Id = Guid.NewGuid(),
            Subject = subject,
            Name = valid.Name,
            Description = valid.Description,
            HomepageUrl = valid.HomepageUrl,
            LogoUrl = valid.LogoUrl,
            PrivacyUrl = valid.PrivacyUrl,
            TermsUrl = valid.TermsUrl,
            ContactEmail = valid.ContactEmail,
            RedirectUris = AppLines.Join(valid.RedirectUris),
            Scopes = string.Join(' ', valid.Scopes),
            AuthMethod = valid.AuthMethod,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.DeveloperApps.Add(app);
        Record(app, subject, "registered", null);
        await db.SaveChangesAsync(cancellationToken);
        return app;
    }

    /// <summary>
    /// The secret issued at approval, the first time the developer asks after it; never again. The sealed copy is
    /// cleared by a conditional update before it is opened, so two visits racing each other cannot both see it.
    /// </summary>
    public async Task<string?> TakeSecretAsync(string subject, Guid id, CancellationToken cancellationToken)
    {
        if (await db.DeveloperApps.AsNoTracking().Where(app => app.Id == id && app.Subject == subject && app.SealedSecret != null)
            .Select(app => app.SealedSecret).FirstOrDefaultAsync(cancellationToken) is not { } sealedSecret)
        {
            return null;
        }

        var cleared = await db.DeveloperApps.Where(app => app.Id == id && app.SealedSecret == sealedSecret)
            .ExecuteUpdateAsync(set => set.SetProperty(app => app.SealedSecret, (byte[]?)null), cancellationToken);
        if (cleared != 1)
        {
            return null;
        }

        var plaintext = sealer.Unseal(sealedSecret, AppReview.SecretKeyId(id));
        try
        {
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>A new secret, shown once to the caller; the current one keeps working for <paramref name="overlap"/>.</summary>
    public async Task<(string? Secret, DateTimeOffset Until, AppFailure? Failure)> RotateAsync(
        string subject, Guid id, TimeSpan overlap, string? remoteAddress, CancellationToken cancellationToken)
    {
        if (overlap < TimeSpan.Zero || overlap > DeveloperPortalOptions.MaxOverlap)
        {
            return (null, default, new AppFailure(AppFailureKind.Invalid, OverlapRule));
        }

        if (await ApprovedAsync(subject, id, cancellationToken) is not { } app)
        {
            return (null, default, await WhyNotAsync(subject, id, "rotate its secret", cancellationToken));
        }

        if (app.AuthMethod == "none")
        {
            return (null, default, new AppFailure(AppFailureKind.WrongState, "The app is a public client: it has no secret to rotate."));
        }

        var until = time.GetUtcNow() + overlap;
        // Taken or not, a secret still waiting to be shown is superseded by this one.
        app.SealedSecret = null;
        var secret = await clients.RotateSecretAsync(app.ClientId!, until, ClientChangeBy.Developer(subject, remoteAddress), cancellationToken);
        Record(app, subject, "secret_rotated", $"The previous secret works until {until:yyyy-MM-dd HH:mm} UTC.");
        await db.SaveChangesAsync(cancellationToken);
        return (secret, until, null);
    }

    public async Task<AppFailure?> EndOverlapAsync(string subject, Guid id, string? remoteAddress, CancellationToken cancellationToken)
    {
        if (await ApprovedAsync(subject, id, cancellationToken) is not { } app)
        {
            return await WhyNotAsync(subject, id, "end its overlap", cancellationToken);
        }

        await clients.EndOverlapAsync(app.ClientId!, ClientChangeBy.Developer(subject, remoteAddress), cancellationToken);
        Record(app, subject, "overlap_ended", null);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public Task<DateTimeOffset?> OverlapEndsAsync(DeveloperApp app, CancellationToken cancellationToken) =>
        app.ClientId is null ? Task.FromResult<DateTimeOffset?>(null) : clients.OverlapEndsAsync(app.ClientId, cancellationToken);

    /// <summary>
    /// Before approval, an edit replaces the registration (and sends an app with changes requested back to review).
    /// After, name, logo and URLs apply at once; callback URLs or scopes beyond the approved ones wait for review, and
    /// the client keeps its approved values until then. The client type cannot change once approved.
    /// </summary>
    public async Task<AppResult> EditAsync(string subject, Guid id, AppForm form, string? remoteAddress, CancellationToken cancellationToken)
    {
        var (valid, error) = AppRules.Validate(form, PublishedScopes);
        if (valid is null)
        {
            return new AppFailure(AppFailureKind.Invalid, error!);
        }

        if (await db.DeveloperApps.FirstOrDefaultAsync(app => app.Id == id && app.Subject == subject, cancellationToken) is not { } app)
        {
            return AppFailure.NotFound(id);
        }

        if (app.Status == DeveloperAppStatus.Rejected)
        {
            return new AppFailure(AppFailureKind.WrongState, "The app was rejected: register a new one instead.");
        }

        if (app.ClientId is not null && valid.AuthMethod != app.AuthMethod)
        {
            return new AppFailure(AppFailureKind.Invalid, "Client type: it cannot change once the app is approved; register a new app instead.");
        }

        app.Name = valid.Name;
        app.Description = valid.Description;
        app.HomepageUrl = valid.HomepageUrl;
        app.LogoUrl = valid.LogoUrl;
        app.PrivacyUrl = valid.PrivacyUrl;
        app.TermsUrl = valid.TermsUrl;
        app.ContactEmail = valid.ContactEmail;
        var note = "edited";
        if (app.ClientId is null)
        {
            app.RedirectUris = AppLines.Join(valid.RedirectUris);
            app.Scopes = string.Join(' ', valid.Scopes);
            app.AuthMethod = valid.AuthMethod;
            if (app.Status == DeveloperAppStatus.ChangesRequested)
            {
                app.Status = DeveloperAppStatus.Pending;
                note = "resubmitted";
            }
        }
        else
        {
            var approvedUris = AppLines.Split(app.RedirectUris);
            var approvedScopes = app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var widens = valid.RedirectUris.Except(approvedUris, StringComparer.Ordinal).Any() || valid.Scopes.Except(approvedScopes, StringComparer.Ordinal).Any();
            if (widens)
            {
                // What is narrower applies at once only with the rest after review: the request is taken as a whole.
                app.PendingRedirectUris = AppLines.Join(valid.RedirectUris);
                app.PendingScopes = string.Join(' ', valid.Scopes);
                note = "changes_submitted";
            }
            else
            {
                app.RedirectUris = AppLines.Join(valid.RedirectUris);
                app.Scopes = string.Join(' ', valid.Scopes);
                app.PendingRedirectUris = app.PendingScopes = null;
            }

            if (await clients.UpdateAsync(app, ClientChangeBy.Developer(subject, remoteAddress), cancellationToken) is { Client: null } failed)
            {
                return new AppFailure(AppFailureKind.Invalid, "The app's client could not be updated.", failed.Error);
            }
        }

        app.UpdatedAt = time.GetUtcNow();
        Record(app, subject, note, null);
        await db.SaveChangesAsync(cancellationToken);
        return app;
    }

    /// <summary>Deletes the app and its client, with every token and consent of it. The history stays for the operator.</summary>
    public async Task<AppFailure?> DeleteAsync(string subject, Guid id, string? remoteAddress, CancellationToken cancellationToken)
    {
        if (await db.DeveloperApps.FirstOrDefaultAsync(app => app.Id == id && app.Subject == subject, cancellationToken) is not { } app)
        {
            return AppFailure.NotFound(id);
        }

        if (app.ClientId is { } clientId)
        {
            await clients.DeleteAsync(clientId, ClientChangeBy.Developer(subject, remoteAddress), cancellationToken);
        }

        db.DeveloperApps.Remove(app);
        Record(app, subject, "deleted", null);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private async Task<DeveloperApp?> ApprovedAsync(string subject, Guid id, CancellationToken cancellationToken) =>
        await db.DeveloperApps.FirstOrDefaultAsync(app => app.Id == id && app.Subject == subject &&
            app.ClientId != null && (app.Status == DeveloperAppStatus.Approved || app.Status == DeveloperAppStatus.Suspended), cancellationToken);

    private async Task<AppFailure> WhyNotAsync(string subject, Guid id, string step, CancellationToken cancellationToken) =>
        await FindAsync(subject, id, cancellationToken) is { } app
            ? new AppFailure(AppFailureKind.WrongState, $"The app is {app.Status.Replace('_', ' ')}: only an approved app can {step}.")
            : AppFailure.NotFound(id);

    private void Record(DeveloperApp app, string subject, string action, string? message) =>
        db.DeveloperAppEvents.Add(new DeveloperAppEvent { AppId = app.Id, At = time.GetUtcNow(), Actor = subject, Action = action, Message = message });
}
