using Glint.Auth;
using OpenIddict.Server;

namespace Glint.Login.Developers;

/// <summary>Discovery announces <c>registration_endpoint</c> (RFC 8414) only when dynamic registration is on.</summary>
public sealed class RegistrationDiscovery(AuthSettings settings) : IOpenIddictServerHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.HandleConfigurationRequestContext>()
            .UseSingletonHandler<RegistrationDiscovery>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachEndpoints.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Metadata["registration_endpoint"] = new Uri(settings.PublicBase, DynamicRegistrations.Path.TrimStart('/')).AbsoluteUri;
        return ValueTask.CompletedTask;
    }
}
