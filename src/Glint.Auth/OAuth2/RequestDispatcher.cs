using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

/// <summary>
/// A dispatcher for singletons: it hands each event to the dispatcher of the request the event belongs to (the
/// request's scoped <see cref="ServerDispatcher"/>, which resolves the request's scoped handlers).
/// </summary>
/// <remarks>
/// Many of OpenIddict's handlers take nothing but the dispatcher, to raise a nested event on the same transaction (the
/// token endpoint's extract, validate, handle and apply steps, the authentication of its request, the generation of
/// each token). OpenIddict registers them as scoped only because its dispatcher is, so every token request built six
/// of them. <see cref="AddDispatchOnlyHandlersAsSingletons"/> registers them as singletons built with this dispatcher.
/// </remarks>
public sealed class RequestDispatcher : IOpenIddictServerDispatcher
{
    /// <summary>The transaction property under which the request's dispatcher keeps itself (see <see cref="ServerDispatcher"/>).</summary>
    internal const string Property = ".glint:dispatcher";

    public ValueTask DispatchAsync<TContext>(TContext context) where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        var dispatcher = context.Transaction.Properties.TryGetValue(Property, out var kept) && kept is IOpenIddictServerDispatcher known
            ? known
            : context.Transaction.Services().GetRequiredService<IOpenIddictServerDispatcher>();
        return dispatcher.DispatchAsync(context);
    }

    /// <summary>
    /// Registers OpenIddict's handlers whose only dependency is the dispatcher as singletons. Only the handlers of the
    /// events raised within an ASP.NET Core request: a token validated outside one (<see cref="AccessTokens"/>) has no
    /// request whose dispatcher could take its events, so the token validation and generation handlers keep
    /// OpenIddict's registration.
    /// </summary>
    public static IServiceCollection AddDispatchOnlyHandlersAsSingletons(IServiceCollection services)
    {
        services.TryAddSingleton<RequestDispatcher>();
        foreach (var descriptor in OpenIddictServerHandlers.DefaultHandlers)
        {
            if (descriptor.ContextType == typeof(ValidateTokenContext) || descriptor.ContextType == typeof(GenerateTokenContext) ||
                descriptor.ServiceDescriptor is not { Lifetime: ServiceLifetime.Scoped, ImplementationType: { } type } ||
                !TakesOnlyTheDispatcher(type))
            {
                continue;
            }

            services.Replace(ServiceDescriptor.Singleton(descriptor.ServiceDescriptor.ServiceType,
                provider => Activator.CreateInstance(type, provider.GetRequiredService<RequestDispatcher>())!));
        }

        return services;
    }

    /// <summary>
    /// Whether the handler's one constructor with parameters takes just the dispatcher (OpenIddict's handlers also have
    /// a parameterless constructor that throws, for those who build them without a container).
    /// </summary>
    private static bool TakesOnlyTheDispatcher(Type type) =>
        type.GetConstructors().Where(constructor => constructor.GetParameters().Length > 0).ToArray() is [var constructor] &&
        constructor.GetParameters() is [var parameter] && parameter.ParameterType == typeof(IOpenIddictServerDispatcher);
}
