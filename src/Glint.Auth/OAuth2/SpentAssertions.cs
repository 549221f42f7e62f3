using Glint.Auth.Revocation;
using Glint.Data;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// A signed assertion (a client's <c>private_key_jwt</c>, a JWT-bearer grant's) works once on every node: its
/// <c>jti</c> is recorded as a spent entry in the token table, whose unique reference lets only the first insert in
/// (the janitor removes the entry once the assertion has expired). Its own statement, not the token writer's group
/// commit: a replay must not fail a batch that carries other requests' tokens.
/// </summary>
internal static class SpentAssertions
{
    public enum Outcome
    {
        Spent,
        Replayed,
        NotRecorded,
    }

    // Kept past the assertion's expiry by OpenIddict's clock skew at most, so a replay is never let through early.
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Records <paramref name="jti"/> of <paramref name="kind"/> as spent for <paramref name="scope"/>, whose
    /// <c>jti</c> values these are (each issuer picks its own, RFC 7519 §4.1.7), until the assertion
    /// <paramref name="expires"/>; <paramref name="subject"/>, whom it is about, is kept with the entry.
    /// </summary>
    public static async Task<Outcome> SpendAsync(
        GlintDbContext db, string kind, string scope, string jti, string? applicationId, string subject, DateTimeOffset expires,
        TimeProvider time, CancellationToken cancellationToken)
    {
        // Hashed, as references are stored.
        var reference = TokenManager.ObfuscateReference(kind + "\0" + scope + "\0" + jti);
        var id = Guid.CreateVersion7().ToString();
        var concurrency = Guid.NewGuid().ToString();
        var created = time.GetUtcNow().UtcDateTime;
        var until = (expires + Margin).UtcDateTime;
        var type = TokenTypeIdentifiers.Private.ClientAssertion;
        var status = Statuses.Redeemed;
        try
        {
            var inserted = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "oauth2_tokens" ("Id", "ApplicationId", "ConcurrencyToken", "CreationDate", "ExpirationDate", "ReferenceId", "Status", "Subject", "Type")
                VALUES ({id}, {applicationId}, {concurrency}, {created}, {until}, {reference}, {status}, {subject}, {type})
                ON CONFLICT ("ReferenceId") DO NOTHING
                """,
                cancellationToken);
            return inserted == 0 ? Outcome.Replayed : Outcome.Spent;
        }
        catch (Exception exception) when (exception is DbUpdateException or System.Data.Common.DbException)
        {
            return Outcome.NotRecorded;
        }
    }
}
