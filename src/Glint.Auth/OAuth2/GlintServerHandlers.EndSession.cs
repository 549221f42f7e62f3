using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// <c>/oauth2/sessions/logout</c> sends the browser back to a client only when the request proves it comes from
    /// that client, as Hydra and RP-Initiated Logout 1.0 §2-3 ask: an <c>id_token_hint</c> Glint issued.
    /// </summary>
    public static class EndSession
    {
        /// <summary>
        /// An <c>id_token_hint</c> that is not an ID token Glint signed (altered, unsigned, foreign) ends the request with
        /// an error page. OpenIddict would ignore such a hint and still honour <c>post_logout_redirect_uri</c>, sending the
        /// browser on the strength of a forged token. An expired but genuine hint still counts, as the spec allows.
        /// </summary>
        public sealed class RejectInvalidIdTokenHint : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessAuthenticationContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ProcessAuthenticationContext>()
                    .UseSingletonHandler<RejectInvalidIdTokenHint>()
                    .SetOrder(OpenIddictServerHandlers.EvaluateValidatedTokens.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ProcessAuthenticationContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.EndpointType == OpenIddictServerEndpointType.EndSession && !string.IsNullOrEmpty(context.Request?.IdTokenHint))
                {
                    context.RejectIdentityToken = true;
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// A <c>post_logout_redirect_uri</c> without an <c>id_token_hint</c> is refused, as Hydra refuses it: without the
        /// hint nothing says which client asked, and any page registered by any client would otherwise receive the browser.
        /// </summary>
        public sealed class RequireIdTokenHintForRedirect : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateEndSessionRequestContext>()
                    .UseSingletonHandler<RequireIdTokenHintForRedirect>()
                    .SetOrder(OpenIddictServerHandlers.Session.ValidatePostLogoutRedirectUriParameter.Descriptor.Order + 1)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ValidateEndSessionRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (!string.IsNullOrEmpty(context.Request.PostLogoutRedirectUri) && string.IsNullOrEmpty(context.Request.IdTokenHint))
                {
                    context.Reject(
                        error: Errors.InvalidRequest,
                        description: "Logout failed because query parameter post_logout_redirect_uri is set but id_token_hint is missing.");
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
