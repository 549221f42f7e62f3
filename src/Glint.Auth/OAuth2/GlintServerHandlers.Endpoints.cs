using Microsoft.Extensions.Logging;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// Tells OpenIddict which endpoint a request is for, with OpenIddict's rules (endpoints in its order, each
    /// endpoint's URIs made absolute under the base URI and kept only when under it, scheme and host compared without
    /// case, the port, and the path without case or one trailing slash apart), in place of OpenIddict's own handler.
    /// That handler makes every relative endpoint URI absolute again on every request (a dozen URIs parsed and built
    /// before the token endpoint's turn, about a tenth of the bytes a token request allocated); the base URI is the
    /// issuer on every request (<see cref="UseIssuerAsBaseUri"/>), so here they are made absolute once per base URI
    /// and each request's URI is read once. <c>EndpointMatchTests</c> compares the answers with OpenIddict's.
    /// </summary>
    public sealed partial class MatchEndpoint : IOpenIddictServerHandler<ProcessRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
                .UseSingletonHandler<MatchEndpoint>()
                .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        private EndpointUris? _uris;

        public ValueTask HandleAsync(ProcessRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.BaseUri is not { IsAbsoluteUri: true } baseUri || context.RequestUri is not { IsAbsoluteUri: true } requestUri)
            {
                return ValueTask.CompletedTask;
            }

            var uris = _uris;
            if (uris is null || !ReferenceEquals(uris.Options, context.Options) || !string.Equals(uris.BaseUri.OriginalString, baseUri.OriginalString, StringComparison.Ordinal))
            {
                _uris = uris = new EndpointUris(context.Options, baseUri);
            }

            context.EndpointType = uris.Match(requestUri);
            if (context.EndpointType != OpenIddictServerEndpointType.Unknown && context.Logger.IsEnabled(LogLevel.Information))
            {
                LogMatched(context.Logger, context.EndpointType);
            }

            return ValueTask.CompletedTask;
        }

        // OpenIddict's own message (ID6053).
        [LoggerMessage(EventId = 6053, Level = LogLevel.Information, Message = "The request URI matched a server endpoint: {Endpoint}.")]
        private static partial void LogMatched(ILogger logger, OpenIddictServerEndpointType endpoint);
    }

    /// <summary>The server's endpoint URIs, made absolute under one base URI, in the order OpenIddict tries them.</summary>
    private sealed class EndpointUris
    {
        private readonly (OpenIddictServerEndpointType Type, string Scheme, string Host, int Port, string Path)[] _endpoints;

        public EndpointUris(OpenIddictServerOptions options, Uri baseUri)
        {
            Options = options;
            BaseUri = baseUri;
            var directory = WithTrailingSlash(baseUri);
            var endpoints = new List<(OpenIddictServerEndpointType, string, string, int, string)>();
            foreach (var (type, candidates) in new (OpenIddictServerEndpointType, List<Uri>)[]
            {
                (OpenIddictServerEndpointType.Authorization, options.AuthorizationEndpointUris),
                (OpenIddictServerEndpointType.Configuration, options.ConfigurationEndpointUris),
                (OpenIddictServerEndpointType.DeviceAuthorization, options.DeviceAuthorizationEndpointUris),
                (OpenIddictServerEndpointType.EndSession, options.EndSessionEndpointUris),
                (OpenIddictServerEndpointType.EndUserVerification, options.EndUserVerificationEndpointUris),
                (OpenIddictServerEndpointType.Introspection, options.IntrospectionEndpointUris),
                (OpenIddictServerEndpointType.JsonWebKeySet, options.JsonWebKeySetEndpointUris),
                (OpenIddictServerEndpointType.PushedAuthorization, options.PushedAuthorizationEndpointUris),
                (OpenIddictServerEndpointType.Revocation, options.RevocationEndpointUris),
                (OpenIddictServerEndpointType.Token, options.TokenEndpointUris),
                (OpenIddictServerEndpointType.UserInfo, options.UserInfoEndpointUris),
            })
            {
                foreach (var candidate in candidates)
                {
                    var absolute = candidate.IsAbsoluteUri ? candidate : new Uri(directory, candidate);
                    // A relative URI counts only when it stays under the base, and not when it turned into a file path.
                    if (!candidate.IsAbsoluteUri && (IsImplicitFile(absolute) || !directory.IsBaseOf(absolute)))
                    {
                        continue;
                    }

                    endpoints.Add((type, absolute.Scheme, absolute.Host, absolute.Port, absolute.AbsolutePath));
                }
            }

            _endpoints = [.. endpoints];
        }

        public OpenIddictServerOptions Options { get; }

        public Uri BaseUri { get; }

        public OpenIddictServerEndpointType Match(Uri requestUri)
        {
            // The request URI carries no query (UseIssuerAsBaseUri): its parts are read without checking one.
            var scheme = requestUri.Scheme;
            var host = requestUri.Host;
            var port = requestUri.Port;
            var path = requestUri.AbsolutePath;
            foreach (var endpoint in _endpoints)
            {
                if (string.Equals(endpoint.Scheme, scheme, StringComparison.OrdinalIgnoreCase) &&
                    string.Equals(endpoint.Host, host, StringComparison.OrdinalIgnoreCase) &&
                    endpoint.Port == port && SamePath(endpoint.Path, path))
                {
                    return endpoint.Type;
                }
            }

            return OpenIddictServerEndpointType.Unknown;
        }

        private static bool SamePath(string left, string right) =>
            string.Equals(left, right, StringComparison.OrdinalIgnoreCase) ||
            (left.Length == right.Length + 1 && left[^1] == '/' && left.StartsWith(right, StringComparison.OrdinalIgnoreCase)) ||
            (right.Length == left.Length + 1 && right[^1] == '/' && right.StartsWith(left, StringComparison.OrdinalIgnoreCase));

        private static Uri WithTrailingSlash(Uri uri) =>
            uri.AbsolutePath.EndsWith('/') ? uri : new UriBuilder(uri) { Path = uri.AbsolutePath + "/" }.Uri;

        private static bool IsImplicitFile(Uri uri) =>
            uri.IsFile && !uri.OriginalString.StartsWith(uri.Scheme, StringComparison.OrdinalIgnoreCase);
    }
}
