using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    public static class Exchange
    {
        /// <summary>
        /// Checks a token request against the client as Hydra does: the grant type must be one of the client's,
        /// every requested scope must be allowed by the client's <c>scope</c> (wildcard strategy), and every
        /// requested <c>audience</c> must be registered on the client. A code or refresh token is held to the same
        /// rules with the scopes and audiences it was granted.
        /// </summary>
        public sealed class ValidateClientGrant : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenRequestContext>()
                    .UseSingletonHandler<ValidateClientGrant>()
                    .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
            {
                if (await context.Transaction.FindClientMetadataAsync(context.ClientId, context.CancellationToken) is not { } client)
                {
                    return;
                }

                var grantType = context.Request.GrantType!;
                if (!client.EffectiveGrantTypes.Contains(grantType))
                {
                    context.Reject(
                        error: Errors.UnauthorizedClient,
                        description: $"The client is not authorized to request a token using this method. The OAuth 2.0 Client is not allowed to use authorization grant '{grantType}'.");
                    return;
                }

                // A code or refresh token carries an earlier grant; the client may have been narrowed since, and then
                // it may not hold it any longer. Hydra checks this on refresh; Glint on the code exchange too.
                var earlier = context.Request.IsAuthorizationCodeGrantType() ? context.AuthorizationCodePrincipal
                    : context.Request.IsRefreshTokenGrantType() ? context.RefreshTokenPrincipal
                    : null;
                var scopes = earlier is not null ? earlier.GetScopes() : context.Request.GetScopes();
                var audiences = earlier is not null ? earlier.GetAudiences() : RequestedAudiences(context.Request);
                if (earlier is null && grantType != GrantTypes.ClientCredentials)
                {
                    return;
                }

                if (ClientGrant.FirstDisallowedScope(client, scopes) is { } scope)
                {
                    context.Reject(error: Errors.InvalidScope, description: ClientGrant.ScopeRefusal(scope));
                    return;
                }

                if (ClientGrant.FirstDisallowedAudience(client, audiences) is { } audience)
                {
                    context.Reject(error: Errors.InvalidRequest, description: ClientGrant.AudienceRefusal(audience));
                }
            }
        }

        /// <summary>
        /// A PKCE downgrade is an <c>invalid_grant</c>, as Hydra answers it: a code bound to a challenge must come with
        /// its verifier, and a verifier for a code that had no challenge is refused (RFC 9700 §2.1.1). OpenIddict
        /// refuses both too, as <c>invalid_request</c>; this runs first so the error names the grant.
        /// </summary>
        public sealed class RefusePkceDowngrade : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenRequestContext>()
                    .UseSingletonHandler<RefusePkceDowngrade>()
                    .SetOrder(OpenIddictServerHandlers.Exchange.ValidateCodeVerifier.Descriptor.Order - 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
            {
                if (!context.Request.IsAuthorizationCodeGrantType() || context.AuthorizationCodePrincipal is not { } code)
                {
                    return ValueTask.CompletedTask;
                }

                var challenged = !string.IsNullOrEmpty(code.GetClaim(Claims.Private.CodeChallenge));
                var verified = !string.IsNullOrEmpty(context.Request.CodeVerifier);
                if (challenged && !verified)
                {
                    context.Reject(Errors.InvalidGrant, "The PKCE code verifier must be at least 43 characters. The code was issued for a code_challenge, but no code_verifier was sent.");
                }
                else if (!challenged && verified)
                {
                    context.Reject(Errors.InvalidGrant, "The PKCE code challenge did not match the code verifier. A code_verifier was sent for a code that was issued without a code_challenge.");
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>Hydra always answers with <c>scope</c>, even when it is exactly what was asked for (RFC 6749 lets it be left out).</summary>
        public sealed class AlwaysReturnScope : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyTokenResponseContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyTokenResponseContext>()
                    .UseSingletonHandler<AlwaysReturnScope>()
                    .SetOrder(int.MinValue + 50_000)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
            {
                // OpenIddict leaves scope out exactly when the granted scopes are the requested ones.
                if (context.Response.AccessToken is not null && context.Response.Scope is null)
                {
                    context.Response.Scope = context.Request?.Scope ?? "";
                }

                return ValueTask.CompletedTask;
            }
        }

        /// <summary>The <c>audience</c> parameter, space-separated or repeated; an empty value (the hydra CLI sends one) is none.</summary>
        public static IReadOnlyList<string> RequestedAudiences(OpenIddictRequest request)
        {
            var values = (Microsoft.Extensions.Primitives.StringValues)request.GetParameter("audience");
            return values.SelectMany(value => (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        }
    }
}
