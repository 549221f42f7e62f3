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
        /// Hydra's checks of an authorization request against its client, after OpenIddict has matched the client and
        /// the redirect URI (so errors go back to the client): the response type is one the client registered, every
        /// scope and audience is allowed, <c>state</c> has at least 8 characters, public clients use PKCE, and
        /// <c>http</c> redirects are for loopback only.
        /// </summary>
        public sealed class ValidateAgainstClient(ClientDirectory clients, AuthSettings settings) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
                    .UseScopedHandler<ValidateAgainstClient>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
            {
                if (await clients.FindAsync(context.ClientId, context.CancellationToken) is not { } client)
                {
                    return;
                }

                var request = context.Request;
                var responseType = (request.ResponseType ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                if (!client.EffectiveResponseTypes.Any(registered => registered.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal).SetEquals(responseType)))
                {
                    context.Reject(Errors.UnsupportedResponseType,
                        $"The authorization server does not support obtaining a token using this method. The client is not allowed to request response_type '{request.ResponseType}'.");
                    return;
                }

                var allowed = ScopeStrategy.Split(client.Scope);
                if (request.GetScopes().FirstOrDefault(scope => !ScopeStrategy.Allows(allowed, scope)) is { } scope)
                {
                    context.Reject(Errors.InvalidScope, $"The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope '{scope}'.");
                    return;
                }

                if (Exchange.RequestedAudiences(request).FirstOrDefault(audience => client.Audience?.Contains(audience, StringComparer.Ordinal) is not true) is { } audience)
                {
                    context.Reject(Errors.InvalidRequest, $"Requested audience '{audience}' has not been whitelisted by the OAuth 2.0 Client.");
                    return;
                }

                if (request.State is not { Length: >= 8 })
                {
                    context.Reject("invalid_state", "The state is missing or does not have enough characters and is therefore considered too weak. Request parameter 'state' must be at least be 8 characters long to ensure sufficient entropy.");
                    return;
                }

                if (client.IsPublic && string.IsNullOrEmpty(request.CodeChallenge) && responseType.Contains(ResponseTypes.Code))
                {
                    context.Reject(Errors.InvalidRequest, "Clients must include a code_challenge when performing the authorize code flow, but it is missing. Public clients must use PKCE.");
                    return;
                }

                if (!settings.Dev && Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var redirect) && redirect.Scheme == Uri.UriSchemeHttp &&
                    !(redirect.IsLoopback || redirect.Host.EndsWith(".localhost", StringComparison.Ordinal)))
                {
                    context.Reject(Errors.InvalidRequest, "Redirect URL is using an insecure protocol, http is only allowed for hosts with suffix 'localhost', for example: http://myapp.localhost/.");
                }
            }
        }
    }

    /// <summary>
    /// Hydra's token rules: a refresh token only when <c>offline</c> or <c>offline_access</c> was granted and the client
    /// has the <c>refresh_token</c> grant; never a refresh or ID token for <c>client_credentials</c>.
    /// </summary>
    public sealed class DecideIssuedTokens(ClientDirectory clients) : IOpenIddictServerHandler<ProcessSignInContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .UseScopedHandler<DecideIssuedTokens>()
                .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ProcessSignInContext context)
        {
            if (context.EndpointType != OpenIddictServerEndpointType.Token || context.Principal is not { } principal)
            {
                return;
            }

            if (context.Request.IsClientCredentialsGrantType())
            {
                context.GenerateRefreshToken = context.IncludeRefreshToken = false;
                context.GenerateIdentityToken = context.IncludeIdentityToken = false;
                return;
            }

            var offline = principal.HasScope("offline") || principal.HasScope(Scopes.OfflineAccess);
            var client = await clients.FindAsync(context.ClientId, context.CancellationToken);
            var refresh = offline && client?.EffectiveGrantTypes.Contains(GrantTypes.RefreshToken) is true;
            context.GenerateRefreshToken = context.IncludeRefreshToken = refresh;
        }
    }
}
