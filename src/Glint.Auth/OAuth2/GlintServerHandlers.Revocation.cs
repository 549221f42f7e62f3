using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    public static class Revocation
    {
        /// <summary>
        /// A client may revoke only its own tokens (RFC 7009 §2.1). OpenIddict lets any client revoke a token that names
        /// no audience; Glint, like Hydra, checks the client the token was issued to in every case.
        /// </summary>
        public sealed class RequireOwnToken : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateRevocationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateRevocationRequestContext>()
                    .UseSingletonHandler<RequireOwnToken>()
                    .SetOrder(OpenIddictServerHandlers.Revocation.ValidateAuthorizedParty.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ValidateRevocationRequestContext context)
            {
                var owner = context.GenericTokenPrincipal?.GetClaim(Claims.ClientId) ?? context.GenericTokenPrincipal?.GetPresenters().FirstOrDefault();
                if (owner is null || !string.Equals(owner, context.ClientId, StringComparison.Ordinal))
                {
                    context.Reject(error: Errors.UnauthorizedClient, description: "The token was not issued to this client.");
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// RFC 7009 §2.2: an invalid, unknown or foreign token is answered with 200, so the endpoint reveals nothing
        /// about tokens. Only errors about the request or the client (<c>invalid_request</c>, <c>invalid_client</c>) remain.
        /// </summary>
        public sealed class AcknowledgeUnknownTokens : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyRevocationResponseContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyRevocationResponseContext>()
                    .UseSingletonHandler<AcknowledgeUnknownTokens>()
                    .SetOrder(int.MinValue + 50_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ApplyRevocationResponseContext context)
            {
                if (context.Error is Errors.InvalidToken or Errors.UnsupportedTokenType or Errors.UnauthorizedClient or Errors.InvalidGrant)
                {
                    context.Transaction.Response = new OpenIddictResponse();
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
