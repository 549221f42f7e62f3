using System.Linq.Expressions;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Server.Maintenance;

/// <summary>Which kinds of rows a pass removes, and how (Hydra's janitor flags).</summary>
public sealed record JanitorPass
{
    public bool Tokens { get; init; }
    public bool Requests { get; init; }
    public bool Grants { get; init; }

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
public sealed record RowLifetimes(TimeSpan FlowLifetime, TimeSpan RateLimitWindow);

/// <summary>
/// Deletes rows nothing can use any more, by primary key in small batches: each batch finds up to
/// <see cref="JanitorPass.BatchSize"/> dead rows and deletes those still dead, so several janitors on one database
/// only ever compete for the same rows, and a pass ends when it finds none left. Ledger, wallet and invoice tables are
/// never touched.
/// </summary>
public sealed class Janitor(GlintDbContext db, RowLifetimes lifetimes, TimeProvider time)
{
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
        var deleted = new Dictionary<string, int>();

        if (pass.Tokens)
        {
            // Expired tokens of any status; revoked and rejected ones at once. Redeemed codes and refresh tokens stay
            // until they expire: a replay of one is how token theft is detected.
            deleted["oauth2_tokens"] = await DeleteAsync(db.OAuthTokens, token => token.Id!,
                token => token.ExpirationDate < cutoffUtc
                    || ((token.Status == Statuses.Revoked || token.Status == Statuses.Rejected) && token.CreationDate < cutoffUtc),
                pass, cancellationToken);
            deleted["session_tokens"] = await DeleteAsync(db.SessionTokens, token => token.Id,
                token => token.ExpiresAt < cutoff || token.RevokedAt < cutoff, pass, cancellationToken);
        }

        if (pass.Requests)
        {
            // Unfinished or refused flows once they can no longer be answered; a used consent once it is neither
            // remembered nor holding tokens (its tokens' userinfo reads it until then).
            deleted["oauth2_flows"] = await DeleteAsync(db.OAuthFlows, flow => flow.Id,
                flow => flow.RequestedAt < requestCutoff
                    && (flow.State != OAuthFlowState.ConsentUsed
                        || (!flow.ConsentRemembered
                            && (flow.AuthorizationId == null || !db.OAuthTokens.Any(token => token.Authorization!.Id == flow.AuthorizationId)))),
                pass, cancellationToken);
            deleted["oauth2_logout_requests"] = await DeleteAsync(db.LogoutRequests, request => request.Id,
                request => request.RequestedAt < requestCutoff, pass, cancellationToken);
            deleted["oauth2_login_sessions"] = await DeleteAsync(db.LoginSessions, session => session.Id,
                session => session.ExpiresAt < cutoff, pass, cancellationToken);
            // Codes and failures count towards the login rate limits until their window has passed.
            deleted["login_codes"] = await DeleteAsync(db.LoginCodes, code => code.Id,
                code => code.ExpiresAt < cutoff && code.CreatedAt < countedCutoff, pass, cancellationToken);
            deleted["login_failures"] = await DeleteAsync(db.LoginFailures, failure => failure.Id,
                failure => failure.At < countedCutoff, pass, cancellationToken);
        }

        if (pass.Grants)
        {
            // A grant with no tokens left that can issue none: revoked, or given for one request only. A remembered
            // consent's grant stays; so does a new one whose code the client has yet to fetch.
            deleted["oauth2_authorizations"] = await DeleteAsync(db.OAuthAuthorizations, authorization => authorization.Id!,
                authorization => authorization.CreationDate < grantCutoffUtc
                    && (authorization.Status != Statuses.Valid || authorization.Type == AuthorizationTypes.AdHoc)
                    && !db.OAuthTokens.Any(token => token.Authorization!.Id == authorization.Id)
                    && !db.OAuthFlows.Any(flow => flow.AuthorizationId == authorization.Id && flow.ConsentRemembered),
                pass, cancellationToken);
        }

        return deleted;
    }

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static async Task<int> DeleteAsync<TRow, TKey>(
        DbSet<TRow> rows, Expression<Func<TRow, TKey>> key, Expression<Func<TRow, bool>> dead, JanitorPass pass,
        CancellationToken cancellationToken)
        where TRow : class
    {
        var deleted = 0;
        var examined = 0;
        while (examined < pass.Limit)
        {
            var batch = await rows.AsNoTracking().Where(dead).OrderBy(key).Select(key)
                .Take(Math.Min(pass.BatchSize, pass.Limit - examined)).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            examined += batch.Count;
            // The condition is asked again: a row that came back to life since it was found is kept.
            deleted += await rows.Where(dead).Where(In(key, batch)).ExecuteDeleteAsync(cancellationToken);
        }

        return deleted;
    }

    private static Expression<Func<TRow, bool>> In<TRow, TKey>(Expression<Func<TRow, TKey>> key, List<TKey> keys)
    {
        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TKey)], Expression.Constant(keys), key.Body);
        return Expression.Lambda<Func<TRow, bool>>(contains, key.Parameters);
    }
}
