using Glint.Auth.Clients;
using Glint.Auth.Flows;
using Glint.Data.OAuth;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// Pushed authorization requests (RFC 9126). OpenIddict serves <c>/oauth2/par</c>: it authenticates the client,
    /// validates the request and stores it as a request token, whose reference is the <c>request_uri</c>; at
    /// <c>/oauth2/auth</c> it restores the pushed parameters. Glint adds what its three-legged flow needs: the
    /// <c>request_uri</c> is spent by the leg that starts the flow (the login and consent legs carry the restored
    /// parameters, see <see cref="AuthorizationFlows"/>), so it works once however long the user takes to log in;
    /// and PAR is required per client or for all, by Glint's own check rather than OpenIddict's, which would refuse
    /// those later legs.
    /// </summary>
    public static class PushedRequests
    {
        public const string Path = "/oauth2/par";

        private const string PushedRequestType = "pushed_authorization_request";

        // OpenIddict's private claim naming the kind of a request token.
        private const string RequestTokenTypeClaim = "oi_reqt_typ";

        private const string UnusableRequestUri =
            "The request_uri is unknown, has expired or has already been used: push the authorization request to /oauth2/par again and use the new request_uri once.";

        /// <summary>True when the request's parameters came from a pushed request.</summary>
        public static bool IsPushed(ValidateAuthorizationRequestContext context) =>
            context.RequestTokenPrincipal?.GetClaim(RequestTokenTypeClaim) == PushedRequestType;

        /// <summary>A login or consent leg: the continuation of a flow whose first leg passed every check.</summary>
        private static bool ContinuesFlow(OpenIddictRequest request) =>
            !string.IsNullOrEmpty((string?)request[AuthorizationFlows.LoginVerifier]) ||
            !string.IsNullOrEmpty((string?)request[AuthorizationFlows.ConsentVerifier]);

        /// <summary>
        /// Takes the place of OpenIddict's <c>ValidateRequestToken</c>, with the same validation: an unknown, expired
        /// or used <c>request_uri</c> is <c>invalid_request_uri</c> (RFC 9126 §4, RFC 9101 §6.2), where OpenIddict
        /// passes on its token error, <c>invalid_token</c>, which the authorization endpoint does not define.
        /// </summary>
        public sealed class ValidateRequestUri(IOpenIddictServerDispatcher dispatcher) : IOpenIddictServerHandler<ProcessAuthenticationContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireRequestTokenValidated>()
                    .UseScopedHandler<ValidateRequestUri>()
                    .SetOrder(OpenIddictServerHandlers.ValidateRequestToken.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ProcessAuthenticationContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (string.IsNullOrEmpty(context.RequestToken))
                {
                    return;
                }

                var validation = new ValidateTokenContext(context.Transaction)
                {
                    DisableAudienceValidation = true,
                    DisablePresenterValidation = true,
                    Token = context.RequestToken,
                    ValidTokenTypes = { TokenTypeIdentifiers.Private.RequestToken },
                };
                await dispatcher.DispatchAsync(validation);
                if (validation.IsRequestHandled)
                {
                    context.HandleRequest();
                }
                else if (validation.IsRequestSkipped)
                {
                    context.SkipRequest();
                }
                else if (validation.IsRejected)
                {
                    if (context.RejectRequestToken)
                    {
                        context.Reject("invalid_request_uri", UnusableRequestUri);
                    }
                }
                else
                {
                    context.RequestTokenPrincipal = validation.Principal;
                }
            }
        }

        /// <summary>
        /// Spends the <c>request_uri</c> on the leg that starts the flow: its token entry is marked redeemed, with
        /// the entry's concurrency token, so two uses race in the database and only one wins, on any node.
        /// </summary>
        public sealed class SpendRequestUri(OpenIddictTokenManager<OAuthToken> tokens) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
                    .UseScopedHandler<SpendRequestUri>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.ValidateAuthentication.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (!IsPushed(context) || context.RequestTokenPrincipal!.GetTokenId() is not { Length: > 0 } id)
                {
                    return;
                }

                if (await tokens.FindByIdAsync(id, context.CancellationToken) is not { } entry ||
                    !await tokens.TryRedeemAsync(entry, context.CancellationToken))
                {
                    context.Reject("invalid_request_uri", UnusableRequestUri);
                }
            }
        }

        /// <summary>
        /// PAR required, for every client (<see cref="AuthSettings.PushedAuthorizationRequestsEnforced"/>) or for one
        /// (its <c>require_pushed_authorization_requests</c>): a flow must start from a <c>request_uri</c>.
        /// </summary>
        public sealed class RequirePushedRequest(ClientManager clients, AuthSettings settings) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
                    .UseScopedHandler<RequirePushedRequest>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.ValidatePushedAuthorizationRequestsRequirement.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (IsPushed(context) || ContinuesFlow(context.Request))
                {
                    return;
                }

                if (settings.PushedAuthorizationRequestsEnforced ||
                    (await clients.FindMetadataAsync(context.ClientId, context.CancellationToken))?.RequirePushedAuthorizationRequests is true)
                {
                    context.Reject(Errors.InvalidRequest,
                        "This client must push its authorization requests first (RFC 9126): POST them to /oauth2/par and send only client_id and the request_uri it returns to /oauth2/auth.");
                }
            }
        }

        /// <summary>Hydra's checks of a request against its client (scopes, audience, response type, state, PKCE), answered at push time.</summary>
        public sealed class ValidateAgainstClient(ClientManager clients, AuthSettings settings) : IOpenIddictServerHandler<ValidatePushedAuthorizationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidatePushedAuthorizationRequestContext>()
                    .UseScopedHandler<ValidateAgainstClient>()
                    .SetOrder(OpenIddictServerHandlers.Authentication.ValidatePushedAuthorizedParty.Descriptor.Order + 1_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ValidatePushedAuthorizationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (await clients.FindMetadataAsync(context.ClientId, context.CancellationToken) is { } client &&
                    Authorization.Refusal(client, context.Request, context.RedirectUri ?? context.Request.RedirectUri, settings) is { } refusal)
                {
                    context.Reject(refusal.Error, refusal.Description);
                }
            }
        }

        /// <summary>Discovery says whether every client must push (OpenIddict would read its own option, which Glint leaves off).</summary>
        public sealed class AnnounceRequirement(AuthSettings settings) : IOpenIddictServerHandler<HandleConfigurationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
                    .UseSingletonHandler<AnnounceRequirement>()
                    .SetOrder(OpenIddictServerHandlers.Discovery.AttachSecurityRequirements.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(HandleConfigurationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                context.RequirePushedAuthorizationRequests = settings.PushedAuthorizationRequestsEnforced;
                return ValueTask.CompletedTask;
            }
        }
    }
}
