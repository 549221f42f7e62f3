using System.Security.Cryptography;
using Glint.Auth.Audit;
using Glint.Auth.Revocation;
using Glint.Data.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// Token entries written once, complete, with group commit. OpenIddict inserts an entry before it generates the
    /// token (so the token can carry the entry's id) and updates it afterwards with the payload and reference: two
    /// durable commits a token. These handlers take the place of those two: the entry is built in memory with its id,
    /// completed once the token exists, handed to <see cref="TokenWriter"/>, and the sign-in waits for all of its
    /// entries to be committed before the response goes out. What is stored is exactly what OpenIddict would store.
    /// </summary>
    public static partial class TokenEntries
    {
        private const string PendingWrites = ".glint:pending_token_writes";

        /// <summary>Replaces OpenIddict's <c>CreateTokenEntry</c>: the same entry, in memory.</summary>
        public sealed class CreateEntry : IOpenIddictServerHandler<GenerateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireTokenEntryCreated>()
                    .UseSingletonHandler<CreateEntry>()
                    .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(GenerateTokenContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                string? applicationId = null;
                if (!string.IsNullOrEmpty(context.ClientId))
                {
                    // The client the request authenticated as, resolved once for the request (see RequestScope).
                    var application = await context.Transaction.FindClientAsync(context.ClientId, context.CancellationToken)
                        ?? throw new InvalidOperationException("The client a token is being issued to no longer exists.");
                    applicationId = application.Row.Id;
                }

                // Device and user codes are not bound to a user until the user approves (the device code's entry is
                // then updated, by OpenIddict's token manager, with the user's grant).
                var deviceOrUserCode = context.TokenType is TokenTypeIdentifiers.Private.DeviceCode or TokenTypeIdentifiers.Private.UserCode;
                var entry = new TokenEntry
                {
                    Id = TokenEntryIds.NewId(DateTimeOffset.UtcNow),
                    ApplicationId = applicationId,
                    AuthorizationId = context.Principal.GetAuthorizationId(),
                    CreationDate = context.Principal.GetCreationDate()?.UtcDateTime,
                    ExpirationDate = context.Principal.GetExpirationDate()?.UtcDateTime,
                    Status = context.TokenType == TokenTypeIdentifiers.Private.DeviceCode ? Statuses.Inactive : Statuses.Valid,
                    Subject = deviceOrUserCode ? null : context.Principal.GetClaim(Claims.Subject),
                    Type = context.TokenType,
                };

                context.Principal.SetTokenId(entry.Id);
                context.Transaction.SetProperty(EntryKey(entry.Id), entry);
            }
        }

        /// <summary>
        /// Replaces OpenIddict's <c>AttachTokenPayload</c>: the payload and the reference go into the entry before it
        /// is written, not in a second write; then the entry is queued. A reference is 256 random bits, base64url (a
        /// user code: <see cref="DeviceCodes.NewUserCode"/>), and the entry keeps only its hash, as OpenIddict's token
        /// manager does. The first entry of a token response carries the response's <c>token.issued</c> audit row, which
        /// the writer commits with it (see <see cref="Outcomes"/>).
        /// </summary>
        public sealed class WriteEntry(TokenWriter writer, AuditTrail audit) : IOpenIddictServerHandler<GenerateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireTokenEntryCreated>()
                    .UseSingletonHandler<WriteEntry>()
                    .SetOrder(OpenIddictServerHandlers.Protection.AttachTokenPayload.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(GenerateTokenContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                var key = EntryKey(context.Principal.GetTokenId() ?? "");
                var entry = context.Transaction.GetProperty<TokenEntry>(key)
                    ?? throw new InvalidOperationException("The token entry was not created before the token was generated.");
                context.Transaction.Properties.Remove(key);

                if (context.PersistTokenPayload)
                {
                    entry.Payload = context.Token;
                    if (context.IsReferenceToken)
                    {
                        var reference = context.TokenType == TokenTypeIdentifiers.Private.UserCode
                            ? DeviceCodes.NewUserCode()
                            : Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
                        entry.ReferenceId = TokenManager.ObfuscateReference(reference);
                        context.Token = reference;
                    }
                }

                var pending = context.Transaction.GetProperty<List<Task>>(PendingWrites);
                AuditEvent? issued = null;
                if (pending is null)
                {
                    pending = [];
                    context.Transaction.SetProperty(PendingWrites, pending);
                    if (context.EndpointType == OpenIddictServerEndpointType.Token)
                    {
                        issued = audit.RowFor(Outcomes.Issued(context.Transaction, context.Principal.GetClaim(Claims.Subject)));
                        context.Transaction.SetProperty(Outcomes.IssuedAuditWritten, issued);
                    }
                }

                if (DeferredRedemption.Unsent(context.Transaction) is { } redemption)
                {
                    // Stored only if the redemption this sign-in depends on wins, in its commit (see AwaitEntries).
                    redemption.Add(entry);
                    redemption.Audit ??= issued;
                }
                else
                {
                    pending.Add(writer.WriteAsync(entry, issued, context.CancellationToken));
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// The sign-in answers only once every entry it wrote is committed: a token that was handed out is never lost.
        /// Runs after all the tokens are generated, so one request's entries (access, refresh and ID token) share a
        /// commit. A failed write ends the sign-in with <c>server_error</c>; no token goes out. When the sign-in
        /// depends on a redemption (<see cref="DeferredRedemption"/>: a consent verifier's, a code's), the redemption
        /// and the entries go as one write, and a redemption that lost ends the sign-in with its error, nothing stored.
        /// </summary>
        public sealed partial class AwaitEntries(ILogger<AwaitEntries> logger, TokenWriter writer) : IOpenIddictServerHandler<ProcessSignInContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                    .UseSingletonHandler<AwaitEntries>()
                    .SetOrder(OpenIddictServerHandlers.AttachSignInParameters.Descriptor.Order + 1_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ProcessSignInContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                var pending = context.Transaction.GetProperty<List<Task>>(PendingWrites);
                var redemption = DeferredRedemption.Unsent(context.Transaction);
                if (pending is not { Count: > 0 } && redemption is null)
                {
                    return;
                }

                context.Transaction.Properties.Remove(PendingWrites);
                try
                {
                    if (pending is { Count: > 0 })
                    {
                        await Task.WhenAll(pending);
                    }

                    if (redemption is not null && !await redemption.CommitAsync(writer, context.CancellationToken))
                    {
                        context.Reject(redemption.Lost.Error, redemption.Lost.Description, redemption.Lost.Uri);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
                {
                    LogWriteFailed(logger, exception);
                    context.Reject(Errors.ServerError, "The token could not be stored, so none was issued. Try again later.");
                }
            }

            [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "Issued tokens could not be stored; the request was refused")]
            private static partial void LogWriteFailed(ILogger logger, Exception exception);
        }

        private static string EntryKey(string tokenId) => ".glint:token_entry:" + tokenId;
    }
}
