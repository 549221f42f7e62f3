using System.Collections.Immutable;
using Glint.Auth.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// <c>private_key_jwt</c> (RFC 7523 §2.2, OpenID Connect Core §9) as Hydra accepts it. OpenIddict verifies the
    /// assertion's signature with the client's keys and its lifetime; Glint adds what Hydra asks beyond that: the
    /// audience may be the token endpoint as well as the issuer, an assertion without <c>typ</c> (as RFC 7523 clients
    /// send them) is accepted, <c>jti</c> and <c>exp</c> are required, each <c>jti</c> works once on every node, the
    /// algorithm is the client's <c>token_endpoint_auth_signing_alg</c> when it has one, and every refusal is
    /// <c>invalid_client</c> (RFC 6749 §5.2).
    /// </summary>
    public static class ClientAssertions
    {
        /// <summary>How far ahead an assertion may expire: its <c>jti</c> is kept that long to refuse a replay.</summary>
        public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

        /// <summary>How far ahead of Glint's clock a client's may run.</summary>
        private static readonly TimeSpan ClockLeeway = TimeSpan.FromMinutes(5);

        private const string Refused = "Client authentication failed: the client_assertion was refused";

        /// <summary>The asymmetric algorithms a client may sign with (client_secret_jwt is not offered).</summary>
        public static readonly string[] SigningAlgorithms =
            ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

        /// <summary>
        /// Takes the place of OpenIddict's <c>ValidateClientAssertion</c>: the same validation, with the token endpoint
        /// as a valid audience besides the issuer, the keys of a <c>jwks_uri</c> client fetched first (OpenIddict reads
        /// them from a synchronous callback), and a refusal answered as <c>invalid_client</c>.
        /// </summary>
        public sealed class ValidateAssertion(ClientKeySets keySets, AuthSettings settings)
            : IOpenIddictServerHandler<ProcessAuthenticationContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionValidated>()
                    .UseSingletonHandler<ValidateAssertion>()
                    .SetOrder(OpenIddictServerHandlers.ValidateClientAssertion.Descriptor.Order)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ProcessAuthenticationContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (string.IsNullOrEmpty(context.ClientAssertion))
                {
                    return;
                }

                if (context.ClientAssertionType != ClientAssertionTypes.JwtBearer)
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: client_assertion_type must be '{ClientAssertionTypes.JwtBearer}'.");
                    return;
                }

                var unverified = UnverifiedJwt.Read(context.ClientAssertion);
                if (unverified is not null && UnverifiedJwt.HasCriticalExtensions(unverified))
                {
                    if (context.RejectClientAssertion)
                    {
                        context.Reject(Errors.InvalidClient, $"{Refused}: its header must not have crit, as this server understands no JWS extensions.");
                    }

                    return;
                }

                if (unverified is not null && UnverifiedJwt.UnrepresentableDate(unverified) is { } date)
                {
                    if (context.RejectClientAssertion)
                    {
                        context.Reject(Errors.InvalidClient, $"{Refused}: its {date} must be a date in seconds since 1970, between the years 1 and 9999.");
                    }

                    return;
                }

                if (await context.Transaction.FindClientMetadataAsync(unverified?.Issuer, context.CancellationToken) is { JwksUri: { Length: > 0 } jwksUri })
                {
                    await keySets.GetAsync(jwksUri, context.CancellationToken);
                }

                var validation = new ValidateTokenContext(context.Transaction)
                {
                    DisablePresenterValidation = true,
                    Token = context.ClientAssertion,
                    TokenFormat = TokenFormats.Private.JsonWebToken,
                    ValidTokenTypes = { TokenTypeIdentifiers.Private.ClientAssertion },
                };
                foreach (var audience in ValidAudiences(settings))
                {
                    validation.ValidAudiences.Add(audience);
                }

                // The request's dispatcher: it resolves the validation's scoped handlers from the request's scope.
                await context.Transaction.Services().GetRequiredService<IOpenIddictServerDispatcher>().DispatchAsync(validation);
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
                    if (context.RejectClientAssertion)
                    {
                        context.Reject(Errors.InvalidClient, $"{Refused}: {Reason(validation, context.ClientAssertion, settings)}");
                    }
                }
                else
                {
                    context.ClientAssertionPrincipal = validation.Principal;
                }
            }

            /// <summary>
            /// The issuer as configured and as OpenIddict normalises it, the token endpoint (RFC 7523 §3), the
            /// pushed authorization request endpoint (RFC 9126 §2) and the device authorization endpoint, whichever
            /// endpoint the assertion is sent to.
            /// </summary>
            internal static IEnumerable<string> ValidAudiences(AuthSettings settings) =>
            [
                settings.IssuerIdentifier,
                settings.Issuer.AbsoluteUri,
                settings.Issuer.AbsoluteUri.TrimEnd('/'),
                new Uri(settings.PublicBase, TokenApi.Path.TrimStart('/')).AbsoluteUri,
                new Uri(settings.PublicBase, PushedRequests.Path.TrimStart('/')).AbsoluteUri,
                new Uri(settings.PublicBase, DeviceCodes.AuthorizationPath.TrimStart('/')).AbsoluteUri,
            ];

            /// <summary>Why the assertion was refused, as far as the client can act on it.</summary>
            private static string Reason(ValidateTokenContext validation, string assertion, AuthSettings settings)
            {
                var audiences = AudiencesOf(assertion);
                return audiences.Length > 0 && !audiences.Intersect(ValidAudiences(settings), StringComparer.Ordinal).Any()
                    ? $"its aud must be the issuer ({settings.IssuerIdentifier}) or the token endpoint."
                    : $"it must be a JWT signed with one of the client's registered keys, and unexpired ({validation.ErrorDescription})";
            }

            /// <summary>The assertion's <c>aud</c>, unverified: only to explain a refusal.</summary>
            private static string[] AudiencesOf(string assertion) => UnverifiedJwt.Read(assertion) is { } jwt ? [.. jwt.Audiences] : [];
        }

        /// <summary>
        /// Assertions as RFC 7523 clients write them carry no <c>typ</c> (or <c>JWT</c>); OpenIddict expects RFC
        /// 7523bis's <c>client-authentication+jwt</c>. Either is accepted, and read as a client assertion. A token
        /// of another kind cannot pass: only the client's own keys verify it.
        /// </summary>
        public sealed class AcceptUntypedAssertions : IOpenIddictServerHandler<ValidateTokenContext>
        {
            private const string AssertionType = "client-authentication+jwt";

            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                    .UseSingletonHandler<AcceptUntypedAssertions>()
                    .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(ValidateTokenContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                if (context.ValidTokenTypes.Count != 1 || !context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion))
                {
                    return ValueTask.CompletedTask;
                }

                context.TokenValidationParameters.TypeValidator = static (type, _, _) =>
                    string.IsNullOrEmpty(type) || type is "JWT" or "application/JWT" ? AssertionType
                    : type is AssertionType or "application/" + AssertionType ? type
                    : throw new SecurityTokenInvalidTypeException("The client assertion's typ must be JWT or client-authentication+jwt.") { InvalidType = type };
                return ValueTask.CompletedTask;
            }
        }

        /// <summary>
        /// Hydra's rules for the assertion's claims, before OpenIddict's own: <c>iss</c> and <c>sub</c> are the client,
        /// <c>exp</c> and <c>jti</c> are present, the assertion expires within <see cref="MaxLifetime"/>, and it is
        /// signed with the client's <c>token_endpoint_auth_signing_alg</c> when one is registered.
        /// </summary>
        public sealed class CheckClaims(ClientManager clients, AuthSettings settings, TimeProvider time) : IOpenIddictServerHandler<ProcessAuthenticationContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
                    .UseScopedHandler<CheckClaims>()
                    .SetOrder(OpenIddictServerHandlers.ValidateClientAssertion.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ProcessAuthenticationContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                var assertion = context.ClientAssertionPrincipal!;
                var issuer = assertion.GetClaim(Claims.Issuer);
                var subject = assertion.GetClaim(Claims.Subject);
                if (string.IsNullOrEmpty(issuer) || issuer != subject || (!string.IsNullOrEmpty(context.ClientId) && issuer != context.ClientId))
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: its iss and sub must both be the client_id.");
                    return;
                }

                // RFC 7523 allows several audiences; OpenIddict's later check wants one. The signature and an audience
                // of Glint's were verified already, so the assertion is read as meant for that one.
                if (assertion.GetAudiences() is { Length: > 1 } audiences)
                {
                    assertion.SetAudiences(audiences.Intersect(ValidateAssertion.ValidAudiences(settings), StringComparer.Ordinal).Take(1));
                }

                if (assertion.GetExpirationDate() is not { } expires)
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: it must have an exp claim.");
                    return;
                }

                if (expires > time.GetUtcNow() + MaxLifetime)
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: its exp must be at most {MaxLifetime.TotalMinutes:0} minutes ahead.");
                    return;
                }

                // Hydra refuses an assertion issued or valid only in the future; a client's clock may run a little ahead.
                var signed = UnverifiedJwt.Read(context.ClientAssertion!);
                if (IsAhead(signed, Claims.IssuedAt) || IsAhead(signed, Claims.NotBefore))
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: its iat and nbf must not be in the future.");
                    return;
                }

                if (string.IsNullOrEmpty(assertion.GetClaim(Claims.JwtId)))
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: it must have a jti claim.");
                    return;
                }

                if (await clients.FindMetadataAsync(issuer, context.CancellationToken) is { TokenEndpointAuthSigningAlg: { Length: > 0 } algorithm } &&
                    signed?.Alg != algorithm)
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: it must be signed with the client's token_endpoint_auth_signing_alg, {algorithm}.");
                }
            }

            // Read from the token as sent (its signature is verified by now): OpenIddict's principal keeps neither claim as such.
            // A date no calendar holds was refused before validation (UnverifiedJwt.UnrepresentableDate).
            private bool IsAhead(Microsoft.IdentityModel.JsonWebTokens.JsonWebToken? assertion, string claim) =>
                assertion is not null && assertion.TryGetPayloadValue<long>(claim, out var seconds) &&
                DateTimeOffset.FromUnixTimeSeconds(seconds) > time.GetUtcNow() + ClockLeeway;
        }

        /// <summary>
        /// Discovery names the algorithms assertions may be signed with, which RFC 8414 §2 requires wherever
        /// <c>private_key_jwt</c> is advertised.
        /// </summary>
        public sealed class AnnounceSigningAlgorithms : IOpenIddictServerHandler<HandleConfigurationRequestContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
                    .UseSingletonHandler<AnnounceSigningAlgorithms>()
                    .SetOrder(OpenIddictServerHandlers.Discovery.AttachSecurityRequirements.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public ValueTask HandleAsync(HandleConfigurationRequestContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                context.Metadata["token_endpoint_auth_signing_alg_values_supported"] = SigningAlgorithms.ToImmutableArray<string?>();
                context.Metadata["revocation_endpoint_auth_signing_alg_values_supported"] = SigningAlgorithms.ToImmutableArray<string?>();
                return ValueTask.CompletedTask;
            }
        }

        /// <summary>Each <c>jti</c> works once per client, on every node (<see cref="SpentAssertions"/>).</summary>
        public sealed class SpendJti(Glint.Data.GlintDbContext db, ClientManager applications, TimeProvider time)
            : IOpenIddictServerHandler<ProcessAuthenticationContext>
        {
            public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
                OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                    .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
                    .UseScopedHandler<SpendJti>()
                    .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionIssuer.Descriptor.Order + 500)
                    .SetType(OpenIddictServerHandlerType.Custom)
                    .Build();

            public async ValueTask HandleAsync(ProcessAuthenticationContext context)
            {
                ArgumentNullException.ThrowIfNull(context);
                var assertion = context.ClientAssertionPrincipal!;
                var clientId = assertion.GetClaim(Claims.Issuer)!;
                var applicationId = (await applications.FindByClientIdAsync(clientId, context.CancellationToken))?.Id;
                var outcome = await SpentAssertions.SpendAsync(db, "client_assertion_jti", clientId, assertion.GetClaim(Claims.JwtId)!,
                    applicationId, clientId, assertion.GetExpirationDate()!.Value, time, context.CancellationToken);
                if (outcome == SpentAssertions.Outcome.NotRecorded)
                {
                    context.Reject(Errors.ServerError, "The client assertion could not be recorded, so it was not accepted. Try again later.");
                }
                else if (outcome == SpentAssertions.Outcome.Replayed)
                {
                    context.Reject(Errors.InvalidClient, $"{Refused}: its jti has been used before; every assertion must have a new jti.");
                }
            }
        }
    }
}
