using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Glint.Auth.OAuth2;

public static partial class GlintServerHandlers
{
    /// <summary>
    /// Every URL OpenIddict builds (the endpoints in discovery, <c>jwks_uri</c>, redirects) comes from the configured
    /// issuer, as Hydra builds them from its public URL. OpenIddict takes its base URI from the request's scheme and
    /// Host, which a client chooses: one request with a forged Host would otherwise make discovery announce the
    /// attacker's token endpoint. The request is placed under the issuer before OpenIddict matches it to an endpoint.
    /// </summary>
    public sealed class UseIssuerAsBaseUri(AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessRequestContext>
    {
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
                context.RequestUri = new Uri(settings.PublicBase, (request.Path.Value ?? "").TrimStart('/') + request.QueryString.Value);
            }

            return ValueTask.CompletedTask;
        }
    }
}
