using Glint.Data.OAuth;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// A code's redemption is committed with the tokens it is exchanged for (<see cref="DeferredRedemption"/>): one
    /// wait for a group commit where OpenIddict's redemption and then the token entries took two.
    /// </summary>
    public static class Redemptions
    {
        /// <summary>
        /// Takes the place of OpenIddict's <c>RedeemTokenEntry</c>: on a code exchange the redemption (the same guarded
        /// update, <see cref="global::Glint.Auth.Revocation.TokenManager.DeferRedemption"/>) waits for the token entries and commits
        /// with them; a request that lost gets OpenIddict's error for a redeemed code. Every other redemption (device
        /// codes, refresh tokens, user codes, request tokens) is OpenIddict's handler's, unchanged.
        /// </summary>
        public sealed class RedeemCodeWithItsTokens : IOpenIddictServerHandler<ProcessSignInContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
                    .UseSingletonHandler<RedeemCodeWithItsTokens>()
                    .SetOrder(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            /// <summary>OpenIddict's answer to a code that was redeemed already (invalid_grant once normalized).</summary>
            private static readonly DeferredRedemption.Refusal CodeRedeemed = new(
                Errors.InvalidToken, OpenIddictResources.GetResourceString("ID2010"), OpenIddictResources.FormatID8000("ID2010"));

            public async ValueTask HandleAsync(ProcessSignInContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.EndpointType == OpenIddictServerEndpointType.Token &&
                    context.Request.IsClientCredentialsGrantType())
                {
                    // Nothing was presented that could be redeemed (OpenIddict's handler returns at once too): the
                    // request's token managers are not needed.
                    return;
                }

                var services = context.Transaction.Services();
                var manager = services.GetRequiredService<OpenIddictTokenManager<OAuthToken>>();
                if (context.EndpointType == OpenIddictServerEndpointType.Token && context.Request.IsAuthorizationCodeGrantType() &&
                    manager is global::Glint.Auth.Revocation.TokenManager glint &&
                    context.Transaction.GetProperty<ProcessAuthenticationContext>(typeof(ProcessAuthenticationContext).FullName!)
                        ?.AuthorizationCodePrincipal?.GetTokenId() is { Length: > 0 } id &&
                    await manager.FindByIdAsync(id, context.CancellationToken) is { } code &&
                    glint.DeferRedemption(code, CodeRedeemed) is { } deferred)
                {
                    DeferredRedemption.Defer(context.Transaction, deferred);
                    return;
                }

                await new OpenIddictServerHandlers.RedeemTokenEntry(services.GetRequiredService<IOpenIddictTokenManager>()).HandleAsync(context);
            }
        }

        /// <summary>
        /// A sign-in refused after its redemption was deferred (by a handler between the redemption and the entries)
        /// still spends the verifier or code, as OpenIddict's redemption, made before the refusal, did: the
        /// redemption is committed alone as the error response goes out.
        /// </summary>
        public sealed class SpendUnsentRedemption<TContext>(TokenWriter writer) : IOpenIddictServerHandler<TContext>
            where TContext : BaseRequestContext
        {
            public async ValueTask HandleAsync(TContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (DeferredRedemption.Unsent(context.Transaction) is { } redemption)
                {
                    await redemption.SpendAsync(writer, context.CancellationToken);
                }
            }
        }

        public static OpenIddictServerHandlerDescriptor SpendUnsentRedemptionOn<TContext>() where TContext : BaseRequestContext =>
            OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
                .UseSingletonHandler<SpendUnsentRedemption<TContext>>()
                .SetOrder(int.MinValue + 40_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();
    }
}
