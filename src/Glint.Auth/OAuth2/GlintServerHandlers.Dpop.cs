using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using Glint.Auth.OAuth2.Dpop;
using Glint.Auth.Revocation;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// DPoP (RFC 9449) at the authorization server. A token request with a valid <c>DPoP</c> proof gets tokens bound
    /// to the proof's key: <c>token_type: DPoP</c>, and <c>cnf.jkt</c> (the key's RFC 7638 thumbprint) in the access
    /// token, which resource endpoints then hold to a proof by the same key (see <see cref="DpopResourceProofs"/>). A
    /// public client's refresh token is bound too. A client registered with <c>dpop_bound_access_tokens</c> must send
    /// a proof; an authorization request's <c>dpop_jkt</c> binds its code to a key.
    /// </summary>
    public static class Dpop
    {
        /// <summary>Where a bound token says which key it is bound to (RFC 7800 <c>cnf</c>, RFC 9449 §6).</summary>
        public const string ConfirmationClaim = "cnf";

        public const string ThumbprintMember = "jkt";

        /// <summary>The authorization request parameter that binds the code to a key (RFC 9449 §10).</summary>
        public const string CodeBindingParameter = "dpop_jkt";

        // Carried by the authorization code only, never by a token that leaves the server.
        private const string CodeBindingClaim = "glint_dpop_jkt";

        private const string ProofProperty = ".glint:dpop_proof";
        private const string ReplayedProofType = "dpop_proof";

        /// <summary>The key thumbprint a validated principal's <c>cnf</c> names, or null for an unbound token.</summary>
        public static string? ThumbprintOf(ClaimsPrincipal principal)
        {
            if (principal.GetClaim(ConfirmationClaim) is not { Length: > 0 } confirmation)
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(confirmation);
                return document.RootElement.ValueKind == JsonValueKind.Object &&
                    document.RootElement.TryGetProperty(ThumbprintMember, out var jkt) && jkt.ValueKind == JsonValueKind.String
                    ? jkt.GetString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static Claim ConfirmationOf(string thumbprint) =>
            new(ConfirmationClaim, JsonSerializer.Serialize(new Dictionary<string, string> { [ThumbprintMember] = thumbprint }), JsonClaimValueTypes.Json);

        /// <summary>
        /// The token endpoint's DPoP checks, once OpenIddict has authenticated the client and restored the code or
        /// refresh token (so a refused proof spends nothing): the proof itself, its <c>jti</c> once on every node, and
        /// the bindings the client, the code or the refresh token require. The database context is taken from the
        /// request's services only to spend a proof, so a token request without one rents no context from the pool
        /// (see <see cref="DatabaseContextOnDemand"/>).
        /// </summary>
        public sealed class ValidateTokenRequestProof(DpopProofs proofs, TimeProvider time)
            : IOpenIddictServerHandler<ValidateTokenRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
                    .UseSingletonHandler<ValidateTokenRequestProof>()
                    .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order + 600)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ValidateTokenRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.Transaction.GetHttpRequest() is not { } http)
                {
                    return;
                }

                var headers = http.Headers[DpopProofs.HeaderName];
                DpopProof? proof = null;
                if (headers.Count > 1)
                {
                    context.Reject(DpopProofs.InvalidProof, "Send one DPoP header, not several.");
                    return;
                }

                if (headers.Count == 1)
                {
                    var (validated, refusal) = await proofs.ValidateAsync(headers.ToString(), HttpMethods.Post, proofs.EndpointUrl(TokenApi.Path), accessToken: null);
                    if (refusal is not null)
                    {
                        context.Reject(refusal.Error, refusal.Description);
                        return;
                    }

                    bool spent;
                    try
                    {
                        spent = await SpendAsync(http.HttpContext.RequestServices, validated!, context.ClientId, context.CancellationToken);
                    }
                    catch (Exception exception) when (exception is DbUpdateException or System.Data.Common.DbException)
                    {
                        context.Reject(Errors.ServerError, "The DPoP proof could not be recorded, so it was not accepted. Try again later.");
                        return;
                    }

                    if (!spent)
                    {
                        context.Reject(DpopProofs.InvalidProof, "The DPoP proof has been used before: make a new proof, with a new jti, for every request.");
                        return;
                    }

                    proof = validated;
                    context.Transaction.SetProperty(ProofProperty, proof);
                }

                var code = context.Request.IsAuthorizationCodeGrantType() ? context.AuthorizationCodePrincipal?.GetClaim(CodeBindingClaim) : null;
                if (code is not null && proof?.Thumbprint != code)
                {
                    context.Reject(Errors.InvalidGrant, proof is null
                        ? "The authorization code is bound to a DPoP key (dpop_jkt): send a DPoP proof made with that key."
                        : "The DPoP proof was made with another key than the authorization request's dpop_jkt.");
                    return;
                }

                var refresh = context.Request.IsRefreshTokenGrantType() && context.RefreshTokenPrincipal is { } refreshToken ? ThumbprintOf(refreshToken) : null;
                if (refresh is not null && proof?.Thumbprint != refresh)
                {
                    context.Reject(Errors.InvalidGrant, proof is null
                        ? "The refresh token is bound to a DPoP key: send a DPoP proof made with that key."
                        : "The DPoP proof was made with another key than the one the refresh token is bound to.");
                    return;
                }

                if (proof is null && (await context.Transaction.FindClientMetadataAsync(context.ClientId, context.CancellationToken))?.DpopBoundAccessTokens is true)
                {
                    context.Reject(DpopProofs.InvalidProof, "This client's tokens must be DPoP-bound (dpop_bound_access_tokens): send a DPoP proof in the DPoP header.");
                }
            }

            /// <summary>
            /// Records the proof's <c>jti</c> as a spent entry in the token table, as client assertions are: only the
            /// first insert of a reference succeeds, on any node; the janitor removes it once the proof has expired.
            /// </summary>
            private async Task<bool> SpendAsync(IServiceProvider services, DpopProof proof, string? clientId, CancellationToken cancellationToken)
            {
                var reference = TokenManager.ObfuscateReference("dpop_jti\0" + proof.Thumbprint + "\0" + proof.Jti);
                var id = Guid.CreateVersion7().ToString();
                var concurrency = Guid.NewGuid().ToString();
                var created = time.GetUtcNow().UtcDateTime;
                var expires = (proof.IssuedAt + DpopProofs.Window + DpopProofs.Skew).UtcDateTime;
                var status = Statuses.Redeemed;
                var type = ReplayedProofType;
                var db = services.GetRequiredService<Glint.Data.GlintDbContext>();
                var inserted = await db.Database.ExecuteSqlAsync(
                    $"""
                    INSERT INTO "oauth2_tokens" ("Id", "ConcurrencyToken", "CreationDate", "ExpirationDate", "ReferenceId", "Status", "Subject", "Type")
                    VALUES ({id}, {concurrency}, {created}, {expires}, {reference}, {status}, {clientId}, {type})
                    ON CONFLICT ("ReferenceId") DO NOTHING
                    """,
                    cancellationToken);
                return inserted == 1;
            }
        }

        /// <summary>
        /// Binds what the token endpoint issues to the proof's key: the access token always, the refresh token of a
        /// public client (RFC 9449 §5: a confidential client's refresh token is bound to its authentication instead).
        /// </summary>
        public sealed class BindIssuedTokens : IOpenIddictServerHandler<ProcessSignInContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                    .UseSingletonHandler<BindIssuedTokens>()
                    .SetOrder(Math.Max(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order,
                        OpenIddictServerHandlers.PrepareRefreshTokenPrincipal.Descriptor.Order) + 10)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ProcessSignInContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.EndpointType != OpenIddictServerEndpointType.Token)
                {
                    return;
                }

                // A code binding has been checked; it is not carried on into the refresh token.
                context.RefreshTokenPrincipal?.RemoveClaims(CodeBindingClaim);
                if (context.Transaction.GetProperty<DpopProof>(ProofProperty) is not { } proof)
                {
                    context.RefreshTokenPrincipal?.RemoveClaims(ConfirmationClaim);
                    return;
                }

                if (context.AccessTokenPrincipal?.Identity is ClaimsIdentity access)
                {
                    context.AccessTokenPrincipal.RemoveClaims(ConfirmationClaim);
                    access.AddClaim(ConfirmationOf(proof.Thumbprint));
                }

                if (context.RefreshTokenPrincipal?.Identity is ClaimsIdentity refresh)
                {
                    context.RefreshTokenPrincipal.RemoveClaims(ConfirmationClaim);
                    if ((await context.Transaction.FindClientMetadataAsync(context.ClientId, context.CancellationToken))?.IsPublic is true)
                    {
                        refresh.AddClaim(ConfirmationOf(proof.Thumbprint));
                    }
                }
            }
        }

        /// <summary>The authorization request's <c>dpop_jkt</c>, checked already, goes into the code it is issued.</summary>
        public sealed class BindAuthorizationCode : IOpenIddictServerHandler<ProcessSignInContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                    .UseSingletonHandler<BindAuthorizationCode>()
                    .SetOrder(OpenIddictServerHandlers.PrepareAuthorizationCodePrincipal.Descriptor.Order + 10)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ProcessSignInContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.EndpointType == OpenIddictServerEndpointType.Authorization &&
                    context.AuthorizationCodePrincipal is { } code &&
                    (string?)context.Request[CodeBindingParameter] is { Length: > 0 } thumbprint)
                {
                    code.SetClaim(CodeBindingClaim, thumbprint);
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// <c>dpop_jkt</c> at <c>/oauth2/auth</c> and <c>/oauth2/par</c> must be a key thumbprint. At <c>/oauth2/par</c>
        /// a DPoP proof may bind the request instead (RFC 9449 §10.1): its key must then be the <c>dpop_jkt</c>, if any.
        /// </summary>
        public sealed class ValidateCodeBinding(DpopProofs proofs) :
            IOpenIddictServerHandler<ValidateAuthorizationRequestContext>, IOpenIddictServerHandler<ValidatePushedAuthorizationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor AuthorizationDescriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
                    .UseSingletonHandler<ValidateCodeBinding>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.ValidateAuthentication.Descriptor.Order + 600)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public static OpenIddictServerHandlerDescriptor PushedDescriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidatePushedAuthorizationRequestContext>()
                    .UseSingletonHandler<ValidateCodeBinding>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.ValidatePushedAuthorizedParty.Descriptor.Order + 1_100)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (Refusal(context.Request) is { } refusal)
                {
                    context.Reject(Errors.InvalidRequest, refusal);
                }

                return ValueTask.CompletedTask;
            }

            public async ValueTask HandleAsync(ValidatePushedAuthorizationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (Refusal(context.Request) is { } refusal)
                {
                    context.Reject(Errors.InvalidRequest, refusal);
                    return;
                }

                var headers = context.Transaction.GetHttpRequest()?.Headers[DpopProofs.HeaderName] ?? default;
                if (headers.Count == 0)
                {
                    return;
                }

                var (proof, proofRefusal) = headers.Count > 1
                    ? (null, new DpopRefusal(DpopProofs.InvalidProof, "Send one DPoP header, not several."))
                    : await proofs.ValidateAsync(headers.ToString(), HttpMethods.Post, proofs.EndpointUrl(PushedRequests.Path), accessToken: null);
                if (proofRefusal is not null)
                {
                    context.Reject(proofRefusal.Error, proofRefusal.Description);
                    return;
                }

                var requested = (string?)context.Request[CodeBindingParameter];
                if (string.IsNullOrEmpty(requested))
                {
                    context.Request[CodeBindingParameter] = proof!.Thumbprint;
                }
                else if (requested != proof!.Thumbprint)
                {
                    context.Reject(DpopProofs.InvalidProof, "The DPoP proof was made with another key than the request's dpop_jkt.");
                }
            }

            private static string? Refusal(OpenIddictRequest request) =>
                request.GetParameter(CodeBindingParameter) is { } value && !DpopProofs.IsThumbprint((string?)value)
                    ? "The dpop_jkt parameter must be the base64url SHA-256 JWK thumbprint (RFC 7638) of the client's DPoP key: 43 characters."
                    : null;
        }

        /// <summary>
        /// A token response for a DPoP proof says <c>token_type: DPoP</c>; when nonces are required, every token
        /// response, an error included, carries the next nonce in <c>DPoP-Nonce</c>.
        /// </summary>
        public sealed class AnswerTokenType(DpopProofs proofs) : IOpenIddictServerHandler<ApplyTokenResponseContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
                    .UseSingletonHandler<AnswerTokenType>()
                    .SetOrder(int.MinValue + 50_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ApplyTokenResponseContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.Response.AccessToken is not null && context.Transaction.GetProperty<DpopProof>(ProofProperty) is not null)
                {
                    context.Response.TokenType = DpopProofs.Scheme;
                }

                if ((proofs.NoncesRequired || context.Response.Error == DpopProofs.UseNonce) &&
                    context.Transaction.GetHttpRequest()?.HttpContext.Response is { } http)
                {
                    http.Headers[DpopProofs.NonceHeaderName] = proofs.CurrentNonce();
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>Discovery names the algorithms a DPoP proof may use (RFC 9449 §5.1).</summary>
        public sealed class AnnounceSigningAlgorithms : IOpenIddictServerHandler<HandleConfigurationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
                    .UseSingletonHandler<AnnounceSigningAlgorithms>()
                    .SetOrder(OpenIddictServerHandlers.Discovery.AttachSecurityRequirements.Descriptor.Order + 600)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(HandleConfigurationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                context.Metadata["dpop_signing_alg_values_supported"] = DpopProofs.SigningAlgorithms.ToImmutableArray<string?>();
                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// <c>/userinfo</c> takes a token from <c>Authorization: DPoP</c> as well as <c>Bearer</c>; the proof is
        /// checked by the endpoint, which knows the token's binding (see <see cref="UserinfoApi"/>).
        /// </summary>
        public sealed class ExtractUserinfoDpopToken : IOpenIddictServerHandler<ExtractUserInfoRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractUserInfoRequestContext>()
                    .UseSingletonHandler<ExtractUserinfoDpopToken>()
                    .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractAccessToken<ExtractUserInfoRequestContext>.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ExtractUserInfoRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.Transaction.Request is { } request && string.IsNullOrEmpty(request.AccessToken) &&
                    DpopResourceProofs.DpopToken(context.Transaction.GetHttpRequest()?.Headers.Authorization.ToString()) is { } token)
                {
                    request.AccessToken = token;
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
