using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    public static class Protection
    {
        /// <summary>
        /// Opaque (reference) access tokens unless the client, or the server default, asks for JWTs. A JWT access
        /// token still gets a token entry, so revocation and introspection work for it too.
        /// </summary>
        public sealed class ChooseAccessTokenFormat(AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
                    .UseSingletonHandler<ChooseAccessTokenFormat>()
                    .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
            {
                if (context.TokenType != OpenIddict.Abstractions.OpenIddictConstants.TokenTypeIdentifiers.AccessToken)
                {
                    return;
                }

                var client = await context.Transaction.FindClientMetadataAsync(context.ClientId, context.CancellationToken);
                var jwt = client?.AccessTokenStrategy switch
                {
                    "jwt" => true,
                    "opaque" => false,
                    _ => settings.JwtAccessTokens,
                };
                context.IsReferenceToken = !jwt;
                context.PersistTokenPayload = !jwt;
            }
        }

        /// <summary>
        /// Reference tokens (opaque access tokens, refresh tokens, authorization codes) never leave the server as
        /// JWTs: their payload is read back only by Glint. They are signed with HMAC-SHA256 under a key derived from
        /// the system secret, which costs microseconds where an RSA signature costs about a millisecond, and is just as
        /// unforgeable to anyone without that secret. Tokens that clients or resource servers verify (JWT access tokens,
        /// ID tokens) keep the published RSA keys.
        /// </summary>
        public sealed class SignReferenceTokensWithHmac : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
                    .UseSingletonHandler<SignReferenceTokensWithHmac>()
                    .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
            {
                context.SigningCredentials = context.IsReferenceToken
                    ? context.Options.SigningCredentials.First(credentials => credentials.Key is SymmetricSecurityKey)
                    : context.Options.SigningCredentials.First(credentials => credentials.Key is AsymmetricSecurityKey);
                return ValueTask.CompletedTask;
            }
        }

        public sealed class PrefixReferenceToken : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
                    .UseSingletonHandler<PrefixReferenceToken>()
                    .SetOrder(OpenIddictServerHandlers.Protection.AttachTokenPayload.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
            {
                if (context.IsReferenceToken && TokenPrefix.For(context.TokenType) is { } prefix && !string.IsNullOrEmpty(context.Token))
                {
                    context.Token = prefix + context.Token;
                }

                return ValueTask.CompletedTask;
            }
        }

        public sealed class StripTokenPrefix : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenContext>()
                    .UseSingletonHandler<StripTokenPrefix>()
                    .SetOrder(OpenIddictServerHandlers.Protection.ValidateReferenceTokenIdentifier.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenContext context)
            {
                if (!string.IsNullOrEmpty(context.Token))
                {
                    context.Token = TokenPrefix.Strip(context.Token);
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// ID tokens and JWT access tokens leave the server, so they carry only public claims, with the configured
        /// issuer verbatim. OpenIddict would copy its private <c>oi_*</c> claims (token and consent ids, presenters,
        /// dates) into them, which relying parties then pass on as user claims. A JWT access token's <c>jti</c> is its
        /// token entry's id, which <see cref="FindJwtAccessTokenEntry"/> reads back so revocation still reaches it. An
        /// ID token's <c>amr</c> is always an array. Everything else follows OpenIddict's own JWT format.
        /// </summary>
        public sealed class IssueJwtWithoutEngineClaims(AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
                    .UseSingletonHandler<IssueJwtWithoutEngineClaims>()
                    .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                var access = context.TokenType == TokenTypeIdentifiers.AccessToken;
                if (!string.IsNullOrEmpty(context.Token) || context.IsReferenceToken ||
                    !(access || context.TokenType == TokenTypeIdentifiers.IdentityToken))
                {
                    return ValueTask.CompletedTask;
                }

                var principal = context.Principal.Clone(claim => !claim.Type.StartsWith("oi_", StringComparison.Ordinal));
                var claims = new Dictionary<string, object>(StringComparer.Ordinal);
                var audiences = context.Principal.GetAudiences();
                if (audiences.Length > 0)
                {
                    claims[Claims.Audience] = audiences.Length == 1 ? audiences[0] : audiences.ToArray();
                }

                if (access)
                {
                    var scopes = context.Principal.GetScopes();
                    if (scopes.Length > 0)
                    {
                        claims[Claims.Scope] = string.Join(' ', scopes);
                    }

                    claims[Claims.JwtId] = context.Principal.GetTokenId() ?? Guid.NewGuid().ToString();
                }
                else if (context.Principal.GetClaims(Claims.AuthenticationMethodReference) is { Length: > 0 } amr)
                {
                    // OpenID Connect Core §2: amr is an array, even of one method. One claim alone would be written as
                    // a string, and a refresh token read back holds even an array claim as separate strings.
                    claims[Claims.AuthenticationMethodReference] = amr.ToArray();
                }

                context.Token = context.SecurityTokenHandler.CreateToken(new SecurityTokenDescriptor
                {
                    Claims = claims,
                    EncryptingCredentials = context.EncryptionCredentials,
                    Expires = context.Principal.GetExpirationDate()?.UtcDateTime,
                    IssuedAt = context.Principal.GetCreationDate()?.UtcDateTime,
                    Issuer = settings.IssuerIdentifier,
                    SigningCredentials = context.SigningCredentials,
                    Subject = (ClaimsIdentity)principal.Identity!,
                    // An ID token is a plain JWT (OpenID Connect Core §2); an access token is typed (RFC 9068).
                    TokenType = access ? JsonWebTokenTypes.AccessToken : "JWT",
                });
                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// A JWT access token names its token entry by <c>jti</c> rather than OpenIddict's private claim; before
        /// OpenIddict restores the entry (revocation, consent), the id is put back where OpenIddict looks for it.
        /// </summary>
        public sealed class FindJwtAccessTokenEntry : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenContext>()
                    .UseSingletonHandler<FindJwtAccessTokenEntry>()
                    .SetOrder(OpenIddictServerHandlers.Protection.RestoreTokenEntryProperties.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.Principal is { } principal && string.IsNullOrEmpty(principal.GetTokenId()) &&
                    principal.HasTokenType(TokenTypeIdentifiers.AccessToken) &&
                    principal.GetClaim(Claims.JwtId) is { Length: > 0 } entryId)
                {
                    principal.SetTokenId(entryId);
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
