using Glint.Auth.FlowStorage;
using Glint.Data;
using Glint.Data.Callbacks;
using Glint.Data.Maintenance;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Server.Maintenance;

/// <summary>Which kinds of rows a pass removes, and how (Hydra's janitor flags).</summary>
public sealed record JanitorPass
{
    public bool Tokens { get; init; }
    public bool Requests { get; init; }
    public bool Grants { get; init; }

    /// <summary>Delivered and failed callback deliveries past their retention; pending ones never.</summary>
    public bool CallbackDeliveries { get; init; }

    /// <summary>Audit events older than <see cref="RowLifetimes.AuditRetention"/>.</summary>
    public bool AuditEvents { get; init; }

    /// <summary>Rows newer than this are kept whatever their state (<c>--keep-if-younger</c>).</summary>
    public TimeSpan KeepIfYounger { get; init; }

    /// <summary>At most this many rows per table in one pass (<c>--limit</c>).</summary>
    public int Limit { get; init; } = 10_000;

    /// <summary>Rows per delete statement (<c>--batch-size</c>), so no statement holds its locks for long.</summary>
    public int BatchSize { get; init; } = 100;
}

/// <summary>How long rows stay useful to the server, read from its settings.</summary>
/// <param name="FlowLifetime">How long a login, consent or logout request may be answered.</param>
/// <param name="RateLimitWindow">The longest window the login rate limits count codes and failures over.</param>
public sealed record RowLifetimes(TimeSpan FlowLifetime, TimeSpan RateLimitWindow)
{
    /// <summary>How long delivered and failed callback deliveries stay listed in the portal (<c>webhooks.delivery_retention</c>).</summary>
    public TimeSpan CallbackDeliveryRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long audit events are kept (<c>audit.retention</c>).</summary>
    public TimeSpan AuditRetention { get; init; } = TimeSpan.FromDays(90);
}

/// <summary>
/// Deletes rows nothing can use any more, by primary key in small batches (<see cref="BatchedDelete"/>), so several
/// janitors on one database only ever compete for the same rows, and a pass ends when it finds none left. Flows and
/// login sessions are deleted through <see cref="FlowStore"/>, the only place that queries them. Ledger, wallet and
/// invoice tables are never touched; callback deliveries only once settled and past their retention.
/// </summary>
public sealed class Janitor(GlintDbContext db, RowLifetimes lifetimes, TimeProvider time)
{
    private readonly FlowStore _flows = new(db);

    public async Task<IReadOnlyDictionary<string, int>> RunAsync(JanitorPass pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var now = time.GetUtcNow();
        var cutoff = now - pass.KeepIfYounger;
        // A request is dead once it can no longer be answered, and kept while younger than keep-if-younger.
        var requestCutoff = Earlier(cutoff, now - lifetimes.FlowLifetime);
        var countedCutoff = Earlier(cutoff, now - lifetimes.RateLimitWindow);
        var cutoffUtc = cutoff.UtcDateTime;
        var grantCutoffUtc = requestCutoff.UtcDateTime;
        var bounds = new DeleteBounds(pass.Limit, pass.BatchSize);
        var deleted = new Dictionary<string, int>();

        if (pass.Tokens)
        {
            // Expired tokens of any status; revoked and rejected ones at once. Redeemed codes and refresh tokens stay
            // until they expire: a replay of one is how token theft is detected.
            deleted["oauth2_tokens"] = await db.OAuthTokens.DeleteDeadAsync(token => token.Id!,
                token => token.ExpirationDate < cutoffUtc
                    || ((token.Status == Statuses.Revoked || token.Status == Statuses.Rejected) && token.CreationDate < cutoffUtc),
                bounds, cancellationToken);
            deleted["session_tokens"] = await db.SessionTokens.DeleteDeadAsync(token => token.Id,
                token => token.ExpiresAt < cutoff || token.RevokedAt < cutoff, bounds, cancellationToken);
        }

        if (pass.Requests)
        {
            deleted["oauth2_flows"] = await _flows.DeleteDeadFlowsAsync(requestCutoff, bounds, cancellationToken);
            deleted["oauth2_logout_requests"] = await db.LogoutRequests.DeleteDeadAsync(request => request.Id,
                request => request.RequestedAt < requestCutoff, bounds, cancellationToken);
            deleted["oauth2_login_sessions"] = await _flows.DeleteExpiredSessionsAsync(cutoff, bounds, cancellationToken);
            // Codes and failures count towards the login rate limits until their window has passed.
            deleted["login_codes"] = await db.LoginCodes.DeleteDeadAsync(code => code.Id,
                code => code.ExpiresAt < cutoff && code.CreatedAt < countedCutoff, bounds, cancellationToken);
            deleted["login_failures"] = await db.LoginFailures.DeleteDeadAsync(failure => failure.Id,
                failure => failure.At < countedCutoff, bounds, cancellationToken);
        }

        if (pass.Grants)
        {
            // A grant with no tokens left that can issue none: revoked, or given for one request only. A remembered
            // consent's grant stays; so does a new one whose code the client has yet to fetch.
            var remembered = _flows.RememberedConsentAuthorizationIds;
            deleted["oauth2_authorizations"] = await db.OAuthAuthorizations.DeleteDeadAsync(authorization => authorization.Id!,
                authorization => authorization.CreationDate < grantCutoffUtc
                    && (authorization.Status != Statuses.Valid || authorization.Type == AuthorizationTypes.AdHoc)
                    && !db.OAuthTokens.Any(token => token.Authorization!.Id == authorization.Id)
                    && !remembered.Any(id => id == authorization.Id),
                bounds, cancellationToken);
            // Expired trusts verify no assertion any more, as Hydra's janitor flushes them.
            deleted["oauth2_jwt_bearer_trusts"] = await db.JwtBearerTrusts.DeleteDeadAsync(trust => trust.Id,
                trust => trust.ExpiresAt < cutoff, bounds, cancellationToken);
        }

        if (pass.CallbackDeliveries)
        {
            // A pending delivery is still to be sent (or was just queued again from the portal): it is never deleted.
            var deliveryCutoff = Earlier(cutoff, now - lifetimes.CallbackDeliveryRetention);
            deleted["callback_deliveries"] = await db.CallbackDeliveries.DeleteDeadAsync(delivery => delivery.Id,
                delivery => (delivery.Status == CallbackDelivery.Delivered || delivery.Status == CallbackDelivery.Failed) && delivery.CreatedAt < deliveryCutoff,
                bounds, cancellationToken);
        }

        if (pass.AuditEvents)
        {
            // Retention alone decides: keep-if-younger can only keep more.
            var auditCutoff = Earlier(cutoff, now - lifetimes.AuditRetention);
            deleted["audit_events"] = await db.AuditEvents.DeleteDeadAsync(audit => audit.Id, audit => audit.At < auditCutoff, bounds, cancellationToken);
        }

        return deleted;
    }

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
