using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Glint.Data;
using Glint.Data.Users;
using Microsoft.EntityFrameworkCore;

namespace Glint.Auth.SessionTokens;

/// <summary>A session token that authenticated a request.</summary>
public sealed record ValidSession(Guid SessionId, Guid UserId);

/// <summary>
/// Session tokens for first-party apps: <c>glint_st_</c> plus 256 random bits, stored as SHA-256, valid for
/// <see cref="AuthSettings.SessionTokenLifetime"/> unless revoked (<c>userLogout</c>). Checked against the database
/// on every use, so a revocation holds on every node at once. The account pages' cookie names a session of its own
/// here (<see cref="OpenCookieSessionAsync"/>), so that signing out, or closing the account, ends it too.
/// </summary>
public sealed class SessionTokenStore(GlintDbContext db, AuthSettings settings, TimeProvider time)
{
    public const string Prefix = "glint_st_";

    public async Task<string> IssueAsync(Guid userId, string? pendingAttemptId, CancellationToken cancellationToken) =>
        (await OpenAsync(userId, pendingAttemptId, cancellationToken)).Token;

    /// <summary>
    /// Opens a session that a browser cookie names by its id (the account pages' sign-in), so that signing out there
    /// ends it for good. Its token is dropped here, never handed out: the session cannot be presented as a bearer token.
    /// </summary>
    public async Task<Guid> OpenCookieSessionAsync(Guid userId, CancellationToken cancellationToken) =>
        (await OpenAsync(userId, null, cancellationToken)).Id;

    /// <summary>Whether the cookie session <paramref name="sessionId"/> of <paramref name="userId"/> is live, and its user still active.</summary>
    public Task<bool> IsLiveCookieSessionAsync(Guid sessionId, Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.SessionTokens.AnyAsync(
            session => session.Id == sessionId && session.UserId == userId && session.RevokedAt == null && session.ExpiresAt > now
                && db.Users.Any(user => user.Id == userId && user.Status == UserStatus.Active),
            cancellationToken);
    }

    private async Task<(string Token, Guid Id)> OpenAsync(Guid userId, string? pendingAttemptId, CancellationToken cancellationToken)
    {
        var token = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var session = new SessionToken
        {
            Id = Guid.NewGuid(),
            TokenHash = Hash(token),
            UserId = userId,
            CreatedAt = now,
            ExpiresAt = now + settings.SessionTokenLifetime,
            PendingAttemptId = pendingAttemptId,
        };
        db.SessionTokens.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return (token, session.Id);
    }

    /// <summary>The live session of <paramref name="token"/>, pending or not; null when unknown, expired or revoked.</summary>
    public async Task<SessionToken?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        var hash = Hash(token);
        var now = time.GetUtcNow();
        return await db.SessionTokens.SingleOrDefaultAsync(
            session => session.TokenHash == hash && session.RevokedAt == null && session.ExpiresAt > now, cancellationToken);
    }

    public async Task<ValidSession?> ValidateAsync(string token, CancellationToken cancellationToken) =>
        await FindAsync(token, cancellationToken) is { PendingAttemptId: null } session ? new ValidSession(session.Id, session.UserId) : null;

    /// <summary>The TOTP step passed: the session may now be used.</summary>
    public async Task ActivateAsync(SessionToken session, CancellationToken cancellationToken)
    {
        session.PendingAttemptId = null;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RevokeAsync(Guid sessionId, CancellationToken cancellationToken) =>
        await db.SessionTokens.Where(session => session.Id == sessionId && session.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(session => session.RevokedAt, time.GetUtcNow()), cancellationToken);

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
