using Glint.Auth.Clients;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// Each client authenticates only with its registered <c>token_endpoint_auth_method</c>, as Hydra enforces:
    /// a <c>client_secret_basic</c> client sending its secret in the body is refused, and the other way round. The pushed
    /// and device authorization endpoints authenticate clients as the token endpoint does.
    /// </summary>
    public sealed class EnforceRegisteredAuthMethod
        : IOpenIddictServerHandler<ValidateTokenRequestContext>, IOpenIddictServerHandler<ValidateRevocationRequestContext>,
          IOpenIddictServerHandler<ValidatePushedAuthorizationRequestContext>, IOpenIddictServerHandler<ValidateDeviceAuthorizationRequestContext>
    {
        // Both run before OpenIddict checks the secret, so a wrong method is reported as such even with a right secret.
        public static OpenIddictServerHandlerDescriptor TokenDescriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
                .UseSingletonHandler<EnforceRegisteredAuthMethod>()
                .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public static OpenIddictServerHandlerDescriptor RevocationDescriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateRevocationRequestContext>()
                .UseSingletonHandler<EnforceRegisteredAuthMethod>()
                .SetOrder(OpenIddictServerHandlers.Revocation.ValidateAuthentication.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public static OpenIddictServerHandlerDescriptor PushedAuthorizationDescriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidatePushedAuthorizationRequestContext>()
                .UseSingletonHandler<EnforceRegisteredAuthMethod>()
                .SetOrder(OpenIddictServerHandlers.Authentication.ValidatePushedAuthentication.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public static OpenIddictServerHandlerDescriptor DeviceAuthorizationDescriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateDeviceAuthorizationRequestContext>()
                .UseSingletonHandler<EnforceRegisteredAuthMethod>()
                .SetOrder(OpenIddictServerHandlers.Device.ValidateDeviceAuthentication.Descriptor.Order - 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public const string SuspendedDescription =
            "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). " +
            "The OAuth 2.0 Client is held by the operator of this server: suspended, or awaiting approval.";

        public ValueTask HandleAsync(ValidateTokenRequestContext context) => EnforceAsync(context);

        public ValueTask HandleAsync(ValidateDeviceAuthorizationRequestContext context) => EnforceAsync(context);

        public ValueTask HandleAsync(ValidatePushedAuthorizationRequestContext context) => EnforceAsync(context);

        public ValueTask HandleAsync(ValidateRevocationRequestContext context) => EnforceAsync(context);

        private static async ValueTask EnforceAsync(BaseValidatingContext context)
        {
            var request = context.Transaction.Request;
            if (request is null || await context.Transaction.FindClientMetadataAsync(request.ClientId, context.CancellationToken) is not { } client)
            {
                // Unknown clients are OpenIddict's to refuse, with invalid_client.
                return;
            }

            if (client.Suspended)
            {
                context.Reject(error: Errors.InvalidClient, description: SuspendedDescription);
                return;
            }

            var usedBasic = context.Transaction.GetHttpRequest()?.Headers.Authorization.ToString()
                .StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) is true;
            var used = !string.IsNullOrEmpty(request.ClientAssertion) ? "private_key_jwt"
                : string.IsNullOrEmpty(request.ClientSecret) ? ClientMetadata.AuthMethodNone
                : usedBasic ? "client_secret_basic"
                : "client_secret_post";

            if (used != client.TokenEndpointAuthMethod)
            {
                context.Reject(
                    error: Errors.InvalidClient,
                    description: "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). " +
                        $"The OAuth 2.0 Client supports client authentication method '{client.TokenEndpointAuthMethod}', but method '{used}' was requested. " +
                        $"You must configure the OAuth 2.0 client's 'token_endpoint_auth_method' value to accept '{used}'.");
            }
        }
    }
}
