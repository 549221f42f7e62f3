using System.Security.Claims;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Glint.Auth.Sessions;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0: when a login session ends, every client that was given tokens in it and
/// registered a <c>backchannel_logout_uri</c> receives a signed logout token. Only those clients: other sessions'
/// apps hear nothing. Delivery is best effort with a short timeout and never delays the user's logout.
/// </summary>
public sealed partial class BackChannelLogout(
    GlintDbContext db,
    ClientDirectory clients,
    IOptionsMonitor<OpenIddictServerOptions> server,
    IHttpClientFactory http,
    AuthSettings settings,
    TimeProvider time,
    ILogger<BackChannelLogout> logger)
{
    public const string HttpClientName = "glint-backchannel-logout";
    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    public async Task NotifyAsync(string sessionId, string subject, CancellationToken cancellationToken)
    {
        var clientIds = await db.OAuthFlows.AsNoTracking()
            .Where(flow => flow.SessionId == sessionId && flow.State == OAuthFlowState.ConsentUsed)
            .Select(flow => flow.ClientId)
            .Distinct()
            .ToListAsync(cancellationToken);

        var deliveries = new List<Task>();
        foreach (var clientId in clientIds)
        {
            if (await clients.FindAsync(clientId, cancellationToken) is { BackchannelLogoutUri: { Length: > 0 } uri })
            {
                deliveries.Add(DeliverAsync(uri, LogoutToken(clientId, subject, sessionId), clientId));
            }
        }

        // Sent in parallel and awaited only up to the client timeout: a slow client cannot hold up the others.
        await Task.WhenAll(deliveries);
    }

    private string LogoutToken(string clientId, string subject, string sessionId)
    {
        var credentials = server.CurrentValue.SigningCredentials.First(c => c.Key is RsaSecurityKey);
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer.AbsoluteUri,
            Audience = clientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            SigningCredentials = credentials,
            TokenType = "logout+jwt",
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("sid", sessionId), new Claim("jti", Guid.NewGuid().ToString())]),
            Claims = new Dictionary<string, object> { ["events"] = new Dictionary<string, object> { [LogoutEvent] = new Dictionary<string, object>() } },
        });
    }

    private async Task DeliverAsync(string uri, string token, string clientId)
    {
        try
        {
            using var client = http.CreateClient(HttpClientName);
            using var response = await client.PostAsync(uri, new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = token }));
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, clientId, (int)response.StatusCode);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            LogUnreachable(logger, clientId, exception.Message);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Back-channel logout to client {ClientId} was answered with HTTP {Status}.")]
    private static partial void LogRefused(ILogger logger, string clientId, int status);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Back-channel logout to client {ClientId} failed: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string clientId, string reason);
}
