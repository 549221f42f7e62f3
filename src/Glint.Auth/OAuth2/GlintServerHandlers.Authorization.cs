using Glint.Auth.Clients;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    public static class Authorization
    {
        /// <summary>
        /// Hydra's checks of an authorization request against its client, run once OpenIddict has validated the request,
        /// matched the client and the redirect URI: a rejection here goes back to the client's redirect URI with the
        /// request's <c>state</c> (a rejection while OpenIddict validates is shown on the error page). In Hydra's order:
        /// every scope and audience is allowed, the response type is one the client registered, <c>state</c> has at least
        /// 8 characters; then public clients use PKCE and <c>http</c> redirects are for loopback only, which Hydra only
        /// checks when it issues the code, after login and consent. Glint checks them up front, so that nobody logs in
        /// for a request that must fail. Every leg of the flow runs these checks again.
        /// </summary>
        public sealed class ValidateAgainstClient(ClientManager clients, AuthSettings settings) : IOpenIddictServerHandler<HandleAuthorizationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<HandleAuthorizationRequestContext>()
                    .UseScopedHandler<ValidateAgainstClient>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.AttachPrincipal.Descriptor.Order + 1_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(HandleAuthorizationRequestContext context)
            {
                if (await clients.FindMetadataAsync(context.Request.ClientId, context.CancellationToken) is not { } client)
                {
                    return;
                }

                var redirectUri = ValidatedRedirectUri(context.Transaction) ?? context.Request.RedirectUri;
                if (Refusal(client, context.Request, redirectUri, settings) is { } refusal)
                {
                    context.Reject(refusal.Error, refusal.Description);
                }
            }
        }

        /// <summary>The redirect URI OpenIddict validated: the request's, or the client's only one when the request named none.</summary>
        public static string? ValidatedRedirectUri(OpenIddictServerTransaction? transaction) =>
            transaction?.GetProperty<ValidateAuthorizationRequestContext>(typeof(ValidateAuthorizationRequestContext).FullName!)?.RedirectUri;

        /// <summary>The first of Hydra's checks the request fails, as an error and its description; null when it passes them all.</summary>
        internal static (string Error, string Description)? Refusal(ClientMetadata client, OpenIddictRequest request, string? redirectUri, AuthSettings settings)
        {
            if (client.Suspended)
            {
                return (Errors.UnauthorizedClient, "The client is not authorized to request a token using this method. The OAuth 2.0 Client is held by the operator of this server: suspended, or awaiting approval.");
            }

            if (ClientGrant.FirstDisallowedScope(client, request.GetScopes()) is { } scope)
            {
                return (Errors.InvalidScope, ClientGrant.ScopeRefusal(scope));
            }

            if (ClientGrant.FirstDisallowedAudience(client, Exchange.RequestedAudiences(request)) is { } audience)
            {
                return (Errors.InvalidRequest, ClientGrant.AudienceRefusal(audience));
            }

            var responseType = (request.ResponseType ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            if (!client.EffectiveResponseTypes.Any(registered => registered.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal).SetEquals(responseType)))
            {
                return (Errors.UnsupportedResponseType,
                    $"The authorization server does not support obtaining a token using this method. The client is not allowed to request response_type '{request.ResponseType}'.");
            }

            if (request.State is not { Length: >= 8 })
            {
                return ("invalid_state", "The state is missing or does not have enough characters and is therefore considered too weak. Request parameter 'state' must be at least be 8 characters long to ensure sufficient entropy.");
            }

            if (client.IsPublic && string.IsNullOrEmpty(request.CodeChallenge) && responseType.Contains(ResponseTypes.Code))
            {
                return (Errors.InvalidRequest,
                    "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. Clients must include a code_challenge when performing the authorize code flow, but it is missing. Public clients must use PKCE.");
            }

            if (!settings.Dev && Uri.TryCreate(redirectUri, UriKind.Absolute, out var redirect) && redirect.Scheme == Uri.UriSchemeHttp &&
                !(redirect.IsLoopback || redirect.Host.EndsWith(".localhost", StringComparison.Ordinal)))
            {
                return (Errors.InvalidRequest,
                    "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. Redirect URL is using an insecure protocol, http is only allowed for hosts with suffix 'localhost', for example: http://myapp.localhost/.");
            }

            return null;
        }
    }

    /// <summary>
    /// Hydra's token rules: a refresh token only when <c>offline</c> or <c>offline_access</c> was granted and the client
    /// has the <c>refresh_token</c> grant; never a refresh or ID token for <c>client_credentials</c> or the JWT-bearer grant.
    /// </summary>
    public sealed class DecideIssuedTokens : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .UseSingletonHandler<DecideIssuedTokens>()
                .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType != OpenIddictServerEndpointType.Token || context.Principal is not { } principal)
            {
                return;
            }

            if (context.Request.IsClientCredentialsGrantType() || context.Request.GrantType == JwtBearer.JwtBearerGrant.GrantType)
            {
                context.GenerateRefreshToken = context.IncludeRefreshToken = false;
                context.GenerateIdentityToken = context.IncludeIdentityToken = false;
                return;
            }

            var offline = principal.HasScope("offline") || principal.HasScope(Scopes.OfflineAccess);
            var client = await context.Transaction.FindClientMetadataAsync(context.ClientId, context.CancellationToken);
            var refresh = offline && client?.EffectiveGrantTypes.Contains(GrantTypes.RefreshToken) is true;
            context.GenerateRefreshToken = context.IncludeRefreshToken = refresh;
        }
    }
}
