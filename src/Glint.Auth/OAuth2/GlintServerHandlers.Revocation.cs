using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    public static class Revocation
    {
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
