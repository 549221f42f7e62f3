using Glint.Auth.Clients;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    public static class Protection
    {
        /// <summary>
        /// Opaque (reference) access tokens unless the client, or the server default, asks for JWTs. A JWT access
        /// token still gets a token entry, so revocation and introspection work for it too.
        /// </summary>
        public sealed class ChooseAccessTokenFormat(ClientDirectory clients, AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
                    .UseScopedHandler<ChooseAccessTokenFormat>()
                    .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
            {
                if (context.TokenType != OpenIddict.Abstractions.OpenIddictConstants.TokenTypeIdentifiers.AccessToken)
                {
                    return;
                }

                var client = await clients.FindAsync(context.ClientId, context.CancellationToken);
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
    }
}
