using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Glint.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Glint.Login.Codes;

/// <summary>
/// Counts codes sent and failed checks in the database, so every node sees the same counts. Windows slide: an
/// exceeded limit lifts as its oldest events age out. A count only holds if nothing is recorded between it and the
/// record it allows, so both happen under <see cref="HoldAsync"/>: a burst of concurrent requests, which is exactly
/// what an attacker sends, gets the limit and not one more.
/// </summary>
public sealed class LoginRateLimits(GlintDbContext db, LoginOptions options, TimeProvider time)
{
    private LoginLimits Limits => options.Limits;

    /// <summary>
    /// Begins a transaction in which nobody else, on any node, counts or records against <paramref name="email"/> or
    /// <paramref name="ip"/> until it ends. On PostgreSQL that is a transaction-scoped advisory lock per email and per
    /// address (taken in key order, so two requests sharing one of them cannot deadlock); on SQLite the transaction
    /// itself, which Microsoft.Data.Sqlite begins as <c>BEGIN IMMEDIATE</c>: it holds the database's write lock from
    /// the start, before the count, so writers queue behind it (up to the connection's busy timeout).
    /// </summary>
    public async Task<IDbContextTransaction> HoldAsync(string email, string ip, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            var keys = new[] { LockKey("email", email), LockKey("ip", ip) }.Order().ToArray();
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({keys[0]}), pg_advisory_xact_lock({keys[1]})", cancellationToken);
        }

        return transaction;
    }

    public async Task<bool> MaySendCodeAsync(string email, string ip, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var emailSince = now - Limits.CodesPerEmailWindow;
        var ipSince = now - Limits.CodesPerIpWindow;
        return await db.LoginCodes.CountAsync(code => code.Email == email && code.CreatedAt > emailSince, cancellationToken) < Limits.CodesPerEmail
            && await db.LoginCodes.CountAsync(code => code.IpAddress == ip && code.CreatedAt > ipSince, cancellationToken) < Limits.CodesPerIp;
    }

    public async Task<bool> MayAttemptAsync(string email, string ip, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var identifierSince = now - Limits.FailuresPerIdentifierWindow;
        var ipSince = now - Limits.FailuresPerIpWindow;
        return await db.LoginFailures.CountAsync(failure => failure.Identifier == email && failure.At > identifierSince, cancellationToken) < Limits.FailuresPerIdentifier
            && await db.LoginFailures.CountAsync(failure => failure.IpAddress == ip && failure.At > ipSince, cancellationToken) < Limits.FailuresPerIp;
    }

    public void RecordFailure(string email, string ip) =>
        db.LoginFailures.Add(new Data.Users.LoginFailure { Identifier = email, IpAddress = ip, At = time.GetUtcNow() });

    /// <summary>A 64-bit advisory lock key, the same on every node: the first bytes of a hash of what is counted.</summary>
    private static long LockKey(string kind, string value) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"glint-login-limit:{kind}:{value}")));
}
