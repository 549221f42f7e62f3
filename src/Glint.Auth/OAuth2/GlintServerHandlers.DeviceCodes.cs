using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.Network;
using Glint.Data.Users;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// The device authorization grant (RFC 8628) is OpenIddict's: <c>/oauth2/device/auth</c> issues a device code
    /// (an inactive token entry) and a user code whose entry names it; the user's approval at the verification
    /// endpoint (<c>/oauth2/device/verify</c>, after login and consent) writes the grant into the device code's entry
    /// and activates it; a denial rejects it. Glint adds the client's registration as the gate, user codes as Hydra
    /// spells them, the built-in <c>/device</c> page as the verification URI, and <c>slow_down</c>.
    /// </summary>
    public static class DeviceCodes
    {
        public const string AuthorizationPath = "/oauth2/device/auth";
        public const string VerificationPath = "/oauth2/device/verify";

        /// <summary>The built-in page where the user types the user code, relative to the public base.</summary>
        public const string PagePath = "device";

        /// <summary>Consonants only, as RFC 8628 §6.1 suggests and Hydra does: no words, no 0/O or 1/I confusion.</summary>
        public const string UserCodeCharset = "BCDFGHJKLMNPQRSTVWXZ";

        public const int UserCodeLength = 8;
        public const string UserCodeDisplayFormat = "{0}{1}{2}{3}-{4}{5}{6}{7}";

        /// <summary>
        /// Wrong user codes an address may try in <see cref="GuessWindow"/> (RFC 8628 §5.1): with 20^8 codes, a
        /// guesser finds a live one about once in a billion tries per live code.
        /// </summary>
        public const int GuessesPerIp = 10;

        public static readonly TimeSpan GuessWindow = TimeSpan.FromMinutes(15);

        /// <summary>The identifier of a wrong user code in <c>login_failures</c>.</summary>
        public const string GuessIdentifier = "device:user_code";

        /// <summary>The verification endpoint's refusal once an address has used up its guesses.</summary>
        public const string TooManyGuesses = Errors.TemporarilyUnavailable;

        /// <summary>RFC 8628 §3.2's default polling interval, which Glint announces.</summary>
        public static readonly TimeSpan PollingInterval = TimeSpan.FromSeconds(5);

        /// <summary>A new user code: about 34.6 bits, enough with the verification page's limit on guesses.</summary>
        public static string NewUserCode() => new(RandomNumberGenerator.GetItems<char>(UserCodeCharset, UserCodeLength));

        /// <summary>
        /// What the user typed, as a user code: case ignored, dashes, spaces and anything outside the charset
        /// dropped; null when it cannot be one.
        /// </summary>
        public static string? Normalise(string? typed)
        {
            if (typed is null || typed.Length > 64)
            {
                return null;
            }

            var code = new StringBuilder(UserCodeLength);
            foreach (var character in typed.ToUpperInvariant())
            {
                if (UserCodeCharset.Contains(character, StringComparison.Ordinal))
                {
                    code.Append(character);
                }
            }

            return code.Length == UserCodeLength ? code.ToString() : null;
        }

        /// <summary>
        /// A device authorization request is held to the client's registration as a token request is: the client
        /// must have the device_code grant type, and every requested scope must be allowed by its <c>scope</c>.
        /// </summary>
        public sealed class ValidateAgainstClient(ClientManager clients) : IOpenIddictServerHandler<ValidateDeviceAuthorizationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateDeviceAuthorizationRequestContext>()
                    .UseScopedHandler<ValidateAgainstClient>()
                    .SetOrder(int.MaxValue - 100_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ValidateDeviceAuthorizationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (await clients.FindMetadataAsync(context.ClientId, context.CancellationToken) is not { } client)
                {
                    context.Reject(Errors.InvalidClient, "The requested OAuth 2.0 Client does not exist.");
                    return;
                }

                if (!client.EffectiveGrantTypes.Contains(GrantTypes.DeviceCode))
                {
                    context.Reject(Errors.UnauthorizedClient,
                        $"The OAuth 2.0 Client is not allowed to use authorization grant '{GrantTypes.DeviceCode}': add it to the client's grant_types.");
                    return;
                }

                if (ClientGrant.FirstDisallowedScope(client, context.Request.GetScopes()) is { } scope)
                {
                    context.Reject(Errors.InvalidScope, ClientGrant.ScopeRefusal(scope));
                    return;
                }

                if (ClientGrant.FirstDisallowedAudience(client, Exchange.RequestedAudiences(context.Request)) is { } audience)
                {
                    context.Reject(Errors.InvalidRequest, ClientGrant.AudienceRefusal(audience));
                }
            }
        }

        /// <summary>
        /// The verification URI is the built-in <c>/device</c> page (the user types the code there), and
        /// <c>verification_uri_complete</c> carries the code; the interval is announced so clients know the pace
        /// that <c>slow_down</c> enforces.
        /// </summary>
        public sealed class AnnounceVerificationPage(AuthSettings settings) : IOpenIddictServerHandler<ApplyDeviceAuthorizationResponseContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyDeviceAuthorizationResponseContext>()
                    .UseSingletonHandler<AnnounceVerificationPage>()
                    .SetOrder(int.MinValue + 100_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ApplyDeviceAuthorizationResponseContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (!string.IsNullOrEmpty(context.Response.Error) || string.IsNullOrEmpty(context.Response.UserCode))
                {
                    return ValueTask.CompletedTask;
                }

                // With the operator's own device page, the verification endpoint is announced: it hands out the device challenge.
                var page = settings.DeviceVerificationUrl is null
                    ? new Uri(settings.PublicBase, PagePath).AbsoluteUri
                    : Flows.DeviceChallengeApi.VerificationUri(settings);
                context.Response.VerificationUri = page;
                context.Response.VerificationUriComplete = QueryHelpers.AddQueryString(page, Parameters.UserCode, context.Response.UserCode);
                context.Response[Parameters.Interval] = (long)PollingInterval.TotalSeconds;
                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// An address that has typed too many wrong user codes lately is refused before its code is looked up, so
        /// guessing costs the guesser time, not the server work (the verification endpoint records each wrong code).
        /// </summary>
        public sealed class LimitGuesses(DeviceCodeGuesses guesses) : IOpenIddictServerHandler<ProcessAuthenticationContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireUserCodeValidated>()
                    .UseScopedHandler<LimitGuesses>()
                    .SetOrder(OpenIddictServerHandlers.ValidateUserCode.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ProcessAuthenticationContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.Transaction.GetHttpRequest()?.HttpContext is { } http &&
                    !await guesses.MayGuessAsync(DeviceCodeGuesses.Ip(http), context.CancellationToken))
                {
                    context.Reject(TooManyGuesses, "Too many wrong user codes were entered from this address: try again later.");
                }
            }
        }

        /// <summary>
        /// <c>slow_down</c> (RFC 8628 §3.5): a device code polled again before the interval has passed is refused, and
        /// the poll is not counted, so a client that keeps to the interval from then on gets its answer. Each node
        /// remembers the last poll of the device codes it has seen (keyed by their hash).
        /// </summary>
        public sealed class RefuseFastPolling(DevicePolls polls) : IOpenIddictServerHandler<ProcessAuthenticationContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireDeviceCodeValidated>()
                    .UseSingletonHandler<RefuseFastPolling>()
                    .SetOrder(OpenIddictServerHandlers.ValidateDeviceCode.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ProcessAuthenticationContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (!string.IsNullOrEmpty(context.DeviceCode) && !polls.TryPoll(context.DeviceCode))
                {
                    context.Reject(Errors.SlowDown,
                        $"The device code was polled again within {(long)PollingInterval.TotalSeconds} seconds: wait at least that long between polls.");
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}

/// <summary>Counts and records wrong user codes per address in <c>login_failures</c>, so every node sees them.</summary>
public sealed class DeviceCodeGuesses(GlintDbContext db, TimeProvider time)
{
    public async Task<bool> MayGuessAsync(string ip, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - GlintServerHandlers.DeviceCodes.GuessWindow;
        return await db.LoginFailures.CountAsync(failure => failure.Identifier == GlintServerHandlers.DeviceCodes.GuessIdentifier &&
            failure.IpAddress == ip && failure.At > since, cancellationToken) < GlintServerHandlers.DeviceCodes.GuessesPerIp;
    }

    public async Task RecordWrongGuessAsync(string ip, CancellationToken cancellationToken)
    {
        db.LoginFailures.Add(new LoginFailure { Identifier = GlintServerHandlers.DeviceCodes.GuessIdentifier, IpAddress = ip, At = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    public static string Ip(HttpContext http) => ClientAddress.LimitKey(http.Connection.RemoteIpAddress);
}

/// <summary>The last poll of each device code this node has seen, bounded in entries.</summary>
public sealed class DevicePolls(TimeProvider time)
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> lastPolls = new(StringComparer.Ordinal);

    /// <summary>True (and the poll recorded) when the interval has passed since the code's last accepted poll.</summary>
    public bool TryPoll(string deviceCode)
    {
        var now = time.GetUtcNow();
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(deviceCode)));
        if (lastPolls.TryGetValue(key, out var last) && now - last < GlintServerHandlers.DeviceCodes.PollingInterval)
        {
            return false;
        }

        if (lastPolls.Count >= MaxEntries)
        {
            // A device code polled more than the interval ago is free to poll again: forgetting it changes nothing.
            foreach (var (stale, at) in lastPolls)
            {
                if (now - at >= GlintServerHandlers.DeviceCodes.PollingInterval)
                {
                    lastPolls.TryRemove(stale, out _);
                }
            }
        }

        lastPolls[key] = now;
        return true;
    }
}
