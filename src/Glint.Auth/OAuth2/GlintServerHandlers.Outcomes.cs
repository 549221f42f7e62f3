using System.Diagnostics;
using Glint.Auth.Audit;
using Glint.Data.Audit;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// Counts and audits what the token and revocation endpoints decided, once per request, at the end: an issued
    /// token after its entry is committed, a refusal as its error response goes out, a revocation once done. An issued
    /// token's audit row is committed with the response's first token entry (<see cref="TokenEntries.WriteEntry"/>),
    /// other rows are queued (<see cref="AuditTrail.Enqueue"/>): no audit write of its own on the request's path. The
    /// request's span gets the grant and client, never a token or secret.
    /// </summary>
    public static class Outcomes
    {
        /// <summary>Set once the response's <c>token.issued</c> row rides with its token entries.</summary>
        internal const string IssuedAuditWritten = ".glint:issued_audit_written";

        /// <summary>The <c>token.issued</c> event of a token response.</summary>
        internal static AuditRecord Issued(OpenIddictServerTransaction transaction, string? subject)
        {
            var client = transaction.Request?.ClientId;
            return new AuditRecord(AuditActions.TokenIssued, subject == client ? AuditActors.Client : AuditActors.Subject)
            {
                Subject = subject == client ? null : subject,
                ClientId = client,
                Target = transaction.Request?.GrantType,
                RemoteAddress = RemoteAddress(transaction),
            };
        }

        public sealed class RecordIssuedTokens(AuditTrail audit) : IOpenIddictServerHandler<ProcessSignInContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                    .UseSingletonHandler<RecordIssuedTokens>()
                    .SetOrder(TokenEntries.AwaitEntries.Descriptor.Order + 1_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ProcessSignInContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.EndpointType != OpenIddictServerEndpointType.Token)
                {
                    return ValueTask.CompletedTask;
                }

                var grant = context.Request.GrantType;
                var client = context.Request.ClientId;
                AuthTelemetry.TokensIssued.Add(1, new("grant_type", grant), new("client_id", client));
                TagRequest(grant, client);
                if (context.Transaction.GetProperty<object>(IssuedAuditWritten) is null)
                {
                    // A response without a stored token entry: its event has not been written with one.
                    audit.Enqueue(Issued(context.Transaction, context.Principal?.GetClaim(Claims.Subject)));
                }

                return ValueTask.CompletedTask;
            }
        }

        public sealed class RecordRefusedTokens(AuditTrail audit) : IOpenIddictServerHandler<ApplyTokenResponseContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
                    .UseSingletonHandler<RecordRefusedTokens>()
                    .SetOrder(int.MinValue + 60_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ApplyTokenResponseContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (string.IsNullOrEmpty(context.Error))
                {
                    return ValueTask.CompletedTask;
                }

                var grant = context.Request?.GrantType;
                var client = context.Request?.ClientId;
                AuthTelemetry.TokensRefused.Add(1, new("grant_type", grant), new("client_id", client), new("error", context.Error));
                TagRequest(grant, client);
                audit.Enqueue(new AuditRecord(AuditActions.TokenRefused, AuditActors.Client)
                {
                    ClientId = client,
                    Target = grant,
                    Reason = context.Error,
                    RemoteAddress = RemoteAddress(context.Transaction),
                });
                return ValueTask.CompletedTask;
            }
        }

        public sealed class RecordRevocation(AuditTrail audit) : IOpenIddictServerHandler<HandleRevocationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
                    .UseSingletonHandler<RecordRevocation>()
                    .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(HandleRevocationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                var client = context.Request.ClientId;
                var subject = context.GenericTokenPrincipal?.GetClaim(Claims.Subject);
                TagRequest(null, client);
                audit.Enqueue(new AuditRecord(AuditActions.TokenRevoked, AuditActors.Client)
                {
                    Subject = subject == client ? null : subject,
                    ClientId = client,
                    Target = context.GenericTokenPrincipal?.GetTokenType(),
                    RemoteAddress = RemoteAddress(context.Transaction),
                });
                return ValueTask.CompletedTask;
            }
        }

        /// <summary>The grant and client on the request's span, when one is recorded.</summary>
        private static void TagRequest(string? grant, string? client)
        {
            if (Activity.Current is { IsAllDataRequested: true } span)
            {
                span.SetTag("oauth2.grant_type", grant);
                span.SetTag("oauth2.client_id", client);
            }
        }

        private static string? RemoteAddress(OpenIddictServerTransaction transaction) =>
            transaction.GetHttpRequest()?.HttpContext.Connection.RemoteIpAddress?.ToString();
    }
}
