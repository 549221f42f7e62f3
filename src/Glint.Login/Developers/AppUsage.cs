using Glint.Data;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Login.Developers;

/// <summary>
/// How much an approved app is used, counted from the token and consent tables. Each count reads one client's range of
/// their application index; expired tokens leave that range when the janitor removes them.
/// </summary>
public sealed record AppUsage(int ConnectedUsers, int TokensLastDay, int TokensLast30Days, DateTimeOffset? LastTokenIssued)
{
    public static async Task<AppUsage?> ReadAsync(GlintDbContext db, string? clientId, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        if (clientId is null || await db.Clients.Where(client => client.ClientId == clientId).Select(client => client.Id).FirstOrDefaultAsync(cancellationToken) is not { } id)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var dayAgo = now.AddDays(-1);
        var monthAgo = now.AddDays(-30);
        var connected = await db.OAuthAuthorizations.Where(authorization => authorization.Application!.Id == id && authorization.Status == Statuses.Valid)
            .Select(authorization => authorization.Subject).Distinct().CountAsync(cancellationToken);
        var accessTokens = db.OAuthTokens.Where(token => token.Application!.Id == id && token.Type == TokenTypeIdentifiers.AccessToken);
        var lastDay = await accessTokens.Where(token => token.CreationDate >= dayAgo).CountAsync(cancellationToken);
        var lastMonth = await accessTokens.Where(token => token.CreationDate >= monthAgo).CountAsync(cancellationToken);
        var last = await accessTokens.MaxAsync(token => token.CreationDate, cancellationToken);
        return new AppUsage(connected, lastDay, lastMonth, last is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null);
    }

    public static string Count(int count) => count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
