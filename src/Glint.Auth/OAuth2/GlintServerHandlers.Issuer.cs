using System.Collections.Concurrent;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// Every URL OpenIddict builds (the endpoints in discovery, <c>jwks_uri</c>, redirects) comes from the configured
    /// issuer, as Hydra builds them from its public URL. OpenIddict takes its base URI from the request's scheme and
    /// Host, which a client chooses: one request with a forged Host would otherwise make discovery announce the
    /// attacker's token endpoint. The request is placed under the issuer before OpenIddict matches it to an endpoint,
    /// in place of OpenIddict's own resolution (removed in <see cref="AuthServiceCollectionExtensions"/>).
    /// <para>
    /// The request URI is the issuer and the request's path, without its query: endpoints are matched on the path
    /// alone, and the query of a login or consent leg carries a sealed flow of a few KiB, which parsed into a
    /// <see cref="Uri"/> twice (OpenIddict's and this one) was about a tenth of a code flow's allocations. Under a
    /// fixed issuer a path's URI never changes, so the few paths requests take are built once.
    /// </para>
    /// </summary>
    public sealed class UseIssuerAsBaseUri(AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessRequestContext>
    {
        /// <summary>Enough for every endpoint path; any path beyond them is built on each request, never kept.</summary>
        private const int MaxKnownPaths = 64;

        private readonly ConcurrentDictionary<string, Uri> _byPath = new(StringComparer.Ordinal);

        // Counted here: the dictionary's own count takes all of its locks, on every request to an unknown path.
        private int _known;

        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ProcessRequestContext>()
                .UseSingletonHandler<UseIssuerAsBaseUri>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.ResolveRequestUri.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ProcessRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.Transaction.GetHttpRequest() is { } request)
            {
                context.BaseUri = settings.PublicBase;
                context.RequestUri = UnderIssuer(request.Path.Value ?? "");
            }

            return ValueTask.CompletedTask;
        }

        private Uri UnderIssuer(string path)
        {
            if (_byPath.TryGetValue(path, out var known))
            {
                return known;
            }

            var uri = new Uri(settings.PublicBase, path.TrimStart('/'));
            if (Volatile.Read(ref _known) < MaxKnownPaths && _byPath.TryAdd(path, uri))
            {
                Interlocked.Increment(ref _known);
            }

            return uri;
        }
    }

    /// <summary>
    /// Discovery's <c>issuer</c> is the configured string verbatim (OpenIddict writes the normalised URI, with a
    /// trailing slash a relying party that pins the issuer does not expect).
    /// </summary>
    public sealed class AnnounceIssuerInDiscovery(AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyConfigurationResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyConfigurationResponseContext>()
                .UseSingletonHandler<AnnounceIssuerInDiscovery>()
                .SetOrder(int.MinValue + 50_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ApplyConfigurationResponseContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (string.IsNullOrEmpty(context.Response.Error))
            {
                context.Response[OpenIddictConstants.Metadata.Issuer] = settings.IssuerIdentifier;
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The RFC 9207 <c>iss</c> of authorization responses, verbatim too; OpenIddict leaves one already set.</summary>
    public sealed class AnnounceIssuerInAuthorizationResponse(AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.ApplyAuthorizationResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ApplyAuthorizationResponseContext>()
                .UseSingletonHandler<AnnounceIssuerInAuthorizationResponse>()
                .SetOrder(OpenIddictServerHandlers.Authentication.AttachIssuer.Descriptor.Order - 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(OpenIddictServerEvents.ApplyAuthorizationResponseContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (!string.IsNullOrEmpty(context.RedirectUri))
            {
                context.Response.Iss = settings.IssuerIdentifier;
            }

            return ValueTask.CompletedTask;
        }
    }
}
