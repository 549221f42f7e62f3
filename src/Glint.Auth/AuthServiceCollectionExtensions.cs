using Glint.Auth.Audit;
using Glint.Auth.Clients;
using Glint.Auth.Flows;
using Glint.Auth.Jwk;
using Glint.Auth.JwtBearer;
using Glint.Auth.OAuth2;
using Glint.Auth.Revocation;
using Glint.Auth.Sessions;
using Glint.Data;
using Glint.Data.Notifications;
using Glint.Data.OAuth;
using Glint.Data.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Glint.Auth;

public static class AuthServiceCollectionExtensions
{
    public const string RevocationPath = "/oauth2/revoke";

    /// <summary>
    /// The authorization server: OpenIddict as the protocol engine over Glint's database, with Hydra's client model
    /// and Glint's handlers where Hydra's behaviour differs from OpenIddict's defaults.
    /// </summary>
    public static IServiceCollection AddGlintAuth(this IServiceCollection services, AuthSettings settings, SigningKeyRing keys, SystemSecret secret)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton(keys);
        services.AddSingleton<ClientCache>();
        services.AddScoped(provider => (ClientManager)provider.GetRequiredService<OpenIddict.Core.OpenIddictApplicationManager<Client>>());
        services.AddSingleton<TokenWriter>();
        // A hosted service too, so that it drains its queue once the host has stopped, before the services go.
        services.AddHostedService(provider => provider.GetRequiredService<TokenWriter>());
        services.AddScoped<AuthorizationFlows>();
        services.AddScoped<FlowStorage.FlowStore>();
        services.AddSingleton<FlowSealer>();
        services.AddScoped<AccessTokens>();
        services.AddScoped<JwtBearer.JwtBearerGrant>();
        services.TryAddSingleton<INotificationChannel, InProcessNotificationChannel>();
        services.AddSingleton<CredentialRevocations>();
        services.AddSingleton<AccessTokenCache>();
        services.AddSingleton<DevicePolls>();
        services.AddScoped<DeviceCodeGuesses>();
        services.AddScoped<ApiKeys.ApiKeyStore>();
        services.AddSingleton<ApiKeys.ApiKeyCache>();
        services.AddScoped<SessionTokens.SessionTokenStore>();
        services.AddGlintAudit();
        services.AddSingleton<ApiCredentialReader>();
        services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiCredentialsHandler>(ApiCredentialsHandler.SchemeName, null);
        services.AddSingleton(secret);
        services.AddSingleton<LoginSessionCookie>();
        services.AddScoped<LogoutNotifications>();
        // A client's back-channel logout URI is posted to on every logout of its users: like a jwks_uri (below), never
        // on a loopback, private or metadata address unless the operator allows private targets, and no redirects.
        services.AddHttpClient(LogoutNotifications.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new System.Net.Http.SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = Glint.Data.Network.GuardedConnect.Callback(settings.AllowPrivateTargets, "a client's backchannel_logout_uri"),
            });
        services.AddSingleton<ClientKeySets>();
        services.AddSingleton<OAuth2.Dpop.DpopNonces>();
        services.AddSingleton<OAuth2.Dpop.DpopProofs>();
        services.AddSingleton<OAuth2.Dpop.DpopResourceProofs>();
        // A client's key set is fetched where it says it is: no redirects, no proxy, and never from a loopback, private
        // or metadata address unless the operator allows private targets (the callbacks' rule, checked at connect time).
        services.AddHttpClient(ClientKeySets.HttpClientName, client => client.Timeout = ClientKeySets.FetchTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new System.Net.Http.SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectCallback = Glint.Data.Network.GuardedConnect.Callback(settings.AllowPrivateTargets, "a client's jwks_uri"),
            });

        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore()
                    .UseDbContext<GlintDbContext>()
                    .ReplaceDefaultEntities<Client, OAuthAuthorization, OAuthScope, OAuthToken, string>();
                core.ReplaceApplicationManager<Client, ClientManager>();
                core.ReplaceTokenManager<OAuthToken, TokenManager>();
                core.ReplaceAuthorizationManager<OAuthAuthorization, AuthorizationManager>();
                core.ReplaceTokenStore<OAuthToken, TokenStore>(ServiceLifetime.Scoped);
                core.ReplaceAuthorizationStore<OAuthAuthorization, AuthorizationStore>(ServiceLifetime.Scoped);
            })
            .AddServer(server =>
            {
                server.SetIssuer(settings.Issuer)
                    .SetAuthorizationEndpointUris(AuthorizeApi.Path)
                    .SetPushedAuthorizationEndpointUris(GlintServerHandlers.PushedRequests.Path)
                    .SetTokenEndpointUris(TokenApi.Path)
                    .SetDeviceAuthorizationEndpointUris(GlintServerHandlers.DeviceCodes.AuthorizationPath)
                    .SetEndUserVerificationEndpointUris(GlintServerHandlers.DeviceCodes.VerificationPath)
                    .SetUserInfoEndpointUris(UserinfoApi.Path)
                    .SetEndSessionEndpointUris(LogoutApi.Path)
                    .SetRevocationEndpointUris(RevocationPath)
                    .SetConfigurationEndpointUris("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")
                    .SetJsonWebKeySetEndpointUris("/.well-known/jwks.json");

                server.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowDeviceAuthorizationFlow()
                    .AllowCustomFlow(JwtBearer.JwtBearerGrant.GrantType)
                    .SetRefreshTokenReuseLeeway(settings.RefreshTokenReuseLeeway);

                // S256 only: `plain` gives no protection against a stolen code (RFC 9700 §2.1.1).
                server.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(OpenIddict.Abstractions.OpenIddictConstants.CodeChallengeMethods.Sha256);

                    // A pushed request's request_uri (RFC 9126 §2.2: short-lived).
                    options.RequestTokenLifetime = settings.PushedAuthorizationRequestLifetime;

                    // Tokens that leave the server carry the issuer verbatim; those OpenIddict writes for itself
                    // carry its normalised form. Both are Glint's own.
                    options.TokenValidationParameters.ValidIssuers =
                        [settings.IssuerIdentifier, settings.Issuer.AbsoluteUri, settings.Issuer.AbsoluteUri.TrimEnd('/')];
                });

                // What clients may ask for: discovery's scopes_supported (the consent page describes each).
                server.RegisterScopes(ScopeStrategy.Requestable);
                if (settings.PkceEnforced)
                {
                    server.RequireProofKeyForCodeExchange();
                }

                server.UseReferenceAccessTokens()
                    .UseReferenceRefreshTokens()
                    // Access tokens are signed, not encrypted: JWT access tokens are meant to be read by resource servers.
                    .DisableAccessTokenEncryption();

                // Hydra's client model decides grants and scopes (see GlintServerHandlers.Exchange), not OpenIddict's permissions.
                server.DisableScopeValidation()
                    .IgnoreEndpointPermissions()
                    .IgnoreGrantTypePermissions()
                    .IgnoreScopePermissions()
                    .IgnoreResponseTypePermissions()
                    .IgnoreAudiencePermissions()
                    .IgnoreResourcePermissions();

                server.SetUserCodeCharset([.. GlintServerHandlers.DeviceCodes.UserCodeCharset.Select(static c => c.ToString())])
                    .SetUserCodeLength(GlintServerHandlers.DeviceCodes.UserCodeLength)
                    .SetUserCodeDisplayFormat(GlintServerHandlers.DeviceCodes.UserCodeDisplayFormat);

                server.SetAccessTokenLifetime(settings.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(settings.RefreshTokenLifetime)
                    .SetIdentityTokenLifetime(settings.IdTokenLifetime)
                    .SetAuthorizationCodeLifetime(settings.AuthorizationCodeLifetime);

                // The HMAC key signs only reference tokens' payloads, which never leave the server (see
                // SignReferenceTokensWithHmac); OpenIddict publishes asymmetric keys only. It goes first: OpenIddict
                // sorts symmetric keys before asymmetric ones with an unstable sort, and adding it after the RSA keys
                // would put the previous RSA key before the current one.
                server.AddSigningKey(new SymmetricSecurityKey(secret.DeriveKey("reference-token-signing")));
                foreach (var key in keys.Keys)
                {
                    server.AddSigningKey(key);
                }

                server.AddEncryptionKey(new SymmetricSecurityKey(secret.DeriveKey("token-encryption")));

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndUserVerificationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableErrorPassthrough();
                if (settings.AllowHttp)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }

                // OpenIddict reserves `audience` for token exchange; Hydra accepts it on every grant (the hydra CLI
                // always sends it, often empty) and checks it against the client, which ValidateClientGrant does.
                server.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateAudienceParameter.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.Exchange.ValidateAudiences.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.Authentication.ValidateAudienceParameter.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.Authentication.ValidatePushedAudienceParameter.Descriptor);

                // Glint matches requests to endpoints with OpenIddict's rules, without rebuilding the endpoints'
                // absolute URIs on every request (GlintServerHandlers.MatchEndpoint), under the issuer rather than
                // the request's Host, with the request URI built once a path (GlintServerHandlers.UseIssuerAsBaseUri).
                server.RemoveEventHandler(OpenIddictServerHandlers.InferEndpointType.Descriptor);
                server.RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ResolveRequestUri.Descriptor);

                // A request_uri that cannot be used is invalid_request_uri (GlintServerHandlers.PushedRequests).
                server.RemoveEventHandler(OpenIddictServerHandlers.ValidateRequestToken.Descriptor);

                // Clients authenticate with a secret, as public clients, or with a private_key_jwt assertion signed
                // with a key of their jwks or jwks_uri; a refused assertion is invalid_client, and the token endpoint
                // is a valid audience (GlintServerHandlers.ClientAssertions). client_secret_jwt is not offered.
                server.RemoveEventHandler(OpenIddictServerHandlers.ValidateClientAssertion.Descriptor);

                // A token entry is one insert of its complete row, group-committed (GlintServerHandlers.TokenEntries),
                // where OpenIddict inserts it and then updates it.
                server.RemoveEventHandler(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor);
                server.RemoveEventHandler(OpenIddictServerHandlers.Protection.AttachTokenPayload.Descriptor);

                // A code's redemption commits with the tokens it is exchanged for, one write where OpenIddict's
                // redemption and the entries were two (GlintServerHandlers.Redemptions); other redemptions are OpenIddict's.
                server.RemoveEventHandler(OpenIddictServerHandlers.RedeemTokenEntry.Descriptor);

                // Tokens are bound to DPoP keys (cnf.jkt), checked against the request's proof by Glint
                // (GlintServerHandlers.Dpop, DpopResourceProofs); OpenIddict's check knows only mTLS bindings (cnf.x5t#S256),
                // which Glint does not issue, and throws on any other cnf.
                server.RemoveEventHandler(OpenIddictServerHandlers.Protection.ValidateProofOfPossession.Descriptor);

                foreach (var handler in GlintServerHandlers.All)
                {
                    server.AddEventHandler(handler);
                }
            });

        // OpenIddict's stores get the request's database context when they first use it (see DatabaseContextOnDemand).
        services.Replace(ServiceDescriptor.Scoped<OpenIddict.EntityFrameworkCore.IOpenIddictEntityFrameworkCoreContext, DatabaseContextOnDemand>());

        // OpenIddict's per-request entity caches are built when a manager first uses one (see EntityCacheOnDemand).
        services.Replace(ServiceDescriptor.Scoped(typeof(OpenIddict.Abstractions.IOpenIddictApplicationCache<>), typeof(ApplicationCacheOnDemand<>)));
        services.Replace(ServiceDescriptor.Scoped(typeof(OpenIddict.Abstractions.IOpenIddictAuthorizationCache<>), typeof(AuthorizationCacheOnDemand<>)));
        services.Replace(ServiceDescriptor.Scoped(typeof(OpenIddict.Abstractions.IOpenIddictScopeCache<>), typeof(ScopeCacheOnDemand<>)));
        services.Replace(ServiceDescriptor.Scoped(typeof(OpenIddict.Abstractions.IOpenIddictTokenCache<>), typeof(TokenCacheOnDemand<>)));

        // OpenIddict's handlers run from a table per event type (see ServerDispatcher), not a walk through all of them.
        services.AddSingleton(new ServerHandlerTable(services));
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictServerDispatcher, ServerDispatcher>());

        // OpenIddict's handlers that are scoped only for the dispatcher they take are built once (see RequestDispatcher).
        RequestDispatcher.AddDispatchOnlyHandlersAsSingletons(services);
        return services;
    }

    /// <summary>Endpoints of the public port that Glint writes itself; OpenIddict serves discovery, JWKS and revocation.</summary>
    public static IEndpointRouteBuilder MapGlintAuthPublic(this IEndpointRouteBuilder routes) =>
        routes.MapAuthorizeApi().MapDeviceVerificationApi().MapTokenApi().MapUserinfoApi().MapLogoutApi();

    /// <summary>
    /// OpenIddict's request handling, with the discovery documents and the JWKS answered from memory after their first
    /// request (see <see cref="Discovery.DiscoveryDocumentCache"/>).
    /// </summary>
    public static IApplicationBuilder UseGlintOAuthProtocol(this IApplicationBuilder app) =>
        app.UseMiddleware<Discovery.DiscoveryDocumentCache>().UseAuthentication();

    public static IEndpointRouteBuilder MapGlintAuthAdmin(this IEndpointRouteBuilder routes) =>
        routes.MapClientAdminApi().MapIntrospectionApi().MapLoginConsentAdminApi().MapSessionAdminApi().MapLogoutAdminApi().MapDeviceChallengeAdminApi()
            .MapAuditAdminApi().MapKeyAdminApi().MapTrustAdminApi();
}
