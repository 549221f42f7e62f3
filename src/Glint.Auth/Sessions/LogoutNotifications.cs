using System.Security.Claims;
using Glint.Auth.Clients;
using Glint.Auth.FlowStorage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Glint.Auth.Sessions;

/// <summary>
/// Tells the clients of an ended login session, and only those: OpenID Connect Back-Channel Logout 1.0 sends each
/// client with a <c>backchannel_logout_uri</c> a signed logout token (best effort, a short timeout, in parallel), and
/// Front-Channel Logout 1.0 gives the browser the <c>frontchannel_logout_uri</c>s to load. Other sessions' apps hear nothing.
/// </summary>
public sealed partial class LogoutNotifications(
    FlowStore flows,
    ClientManager clients,
    IOptionsMonitor<OpenIddictServerOptions> server,
    IHttpClientFactory http,
    AuthSettings settings,
    TimeProvider time,
    ILogger<LogoutNotifications> logger)
{
    public const string HttpClientName = "glint-backchannel-logout";
    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>Sends the back-channel logout tokens and returns the front-channel logout URLs for the browser.</summary>
    public async Task<IReadOnlyList<string>> NotifyAsync(string sessionId, string subject, CancellationToken cancellationToken)
    {
        var clientIds = await flows.ClientsOfSessionAsync(sessionId, cancellationToken);

        var deliveries = new List<Task>();
        var frontChannel = new List<string>();
        foreach (var clientId in clientIds)
        {
            if (await clients.FindMetadataAsync(clientId, cancellationToken) is not { } client)
            {
                continue;
            }

            if (client.BackchannelLogoutUri is { Length: > 0 } backChannel)
            {
                deliveries.Add(DeliverAsync(backChannel, LogoutToken(clientId, subject, sessionId), clientId));
            }

            if (client.FrontchannelLogoutUri is { Length: > 0 } frontChannelUri)
            {
                frontChannel.Add(client.FrontchannelLogoutSessionRequired
                    ? QueryHelpers.AddQueryString(frontChannelUri, new Dictionary<string, string?> { ["iss"] = settings.IssuerIdentifier, ["sid"] = sessionId })
                    : frontChannelUri);
            }
        }

        // Sent in parallel and awaited only up to the client timeout: a slow client cannot hold up the others.
        await Task.WhenAll(deliveries);
        return frontChannel;
    }

    private string LogoutToken(string clientId, string subject, string sessionId)
    {
        var credentials = server.CurrentValue.SigningCredentials.First(c => c.Key is RsaSecurityKey);
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.IssuerIdentifier,
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
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // Whatever a client's address does (refused, unreachable, slow, or a stored one no request can go to), the
            // user's logout goes on: a notification is the client's to miss, never a reason to keep the session.
            LogUnreachable(logger, clientId, exception.Message);
        }
    }

    [LoggerMessage(EventId = 4230, Level = LogLevel.Warning, Message = "Back-channel logout to client {ClientId} was answered with HTTP {Status}.")]
    private static partial void LogRefused(ILogger logger, string clientId, int status);

    [LoggerMessage(EventId = 4231, Level = LogLevel.Warning, Message = "Back-channel logout to client {ClientId} failed: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string clientId, string reason);
}
