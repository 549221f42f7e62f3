using Glint.Data;
using Microsoft.EntityFrameworkCore;

namespace Glint.Login.Codes;

/// <summary>
/// Counts codes sent and failed checks in the database, so every node sees the same counts. Windows slide: an
/// exceeded limit lifts as its oldest events age out.
/// </summary>
public sealed class LoginRateLimits(GlintDbContext db, LoginOptions options, TimeProvider time)
{
    private LoginLimits Limits => options.Limits;

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
}
