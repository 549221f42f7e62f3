using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Builds a scoped OpenIddict server handler as the container would (its registration's factory, or its one public
/// constructor with each parameter from the request's services), but without the request scope keeping it. A token
/// request runs about twenty scoped handlers: resolved through the scope, each was an entry in the scope's table of
/// resolved services (grown and copied as it filled, a sixth of the bytes a token allocated), a lock, and a
/// reflection call with its argument array. Their dependencies (the managers, the dispatcher, the database context)
/// still come from the scope, so they are the request's own and disposed with it.
/// </summary>
/// <remarks>
/// A handler built this way is a new instance on every call where the scope gave one per request. That changes
/// nothing only for a handler that keeps no state between calls and has nothing to dispose; every other one (or one
/// whose type is not sealed, or whose constructor the container would choose otherwise) is still resolved through the
/// scope (<see cref="For"/> answers null). OpenIddict's scoped handlers and Glint's keep only what their constructors
/// are given.
/// </remarks>
public static class ScopedHandlerBuilder
{
    /// <summary>
    /// The builder of <paramref name="registration"/>'s handler, or null if it must be resolved through the scope.
    /// <paramref name="registrations"/> holds each service type's last registration, the one the container resolves:
    /// parameters registered as singletons are resolved once. <paramref name="container"/> says what the container
    /// can resolve, which decides its choice of constructor.
    /// </summary>
    public static Func<IServiceProvider, object>? For(
        ServiceDescriptor registration, IReadOnlyDictionary<Type, ServiceDescriptor> registrations, IServiceProviderIsService container)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(container);
        if (registration.Lifetime != ServiceLifetime.Scoped || registration.IsKeyedService)
        {
            return null;
        }

        var type = registration.ImplementationType ?? registration.ServiceType;
        if (!type.IsSealed || !KeepsNoState(type))
        {
            return null;
        }

        if (registration.ImplementationFactory is { } factory)
        {
            return factory;
        }

        return registration.ImplementationType is not null && ContainersChoice(type, container) is { } constructor
            ? new Constructed(constructor, registrations).Build
            : null;
    }

    /// <summary>
    /// The constructor the container calls: the one with the most parameters that it can all resolve (or that have a
    /// default value). Null when that is not clear-cut (two of that length, keyed services, by-reference
    /// parameters): the container then decides, through the scope.
    /// </summary>
    private static ConstructorInfo? ContainersChoice(Type type, IServiceProviderIsService container)
    {
        var constructors = type.GetConstructors().OrderByDescending(static constructor => constructor.GetParameters().Length).ToArray();
        for (var index = 0; index < constructors.Length; index++)
        {
            var parameters = constructors[index].GetParameters();
            if (parameters.Any(static parameter => parameter.ParameterType.IsByRef ||
                    parameter.IsDefined(typeof(FromKeyedServicesAttribute)) || parameter.IsDefined(typeof(ServiceKeyAttribute))))
            {
                return null;
            }

            if (parameters.All(parameter => parameter.HasDefaultValue || container.IsService(parameter.ParameterType)))
            {
                var tied = index + 1 < constructors.Length && constructors[index + 1].GetParameters().Length == parameters.Length;
                return tied ? null : constructors[index];
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a handler of <paramref name="type"/> can be replaced by another instance between calls: nothing to
    /// dispose, and no field but those its constructor sets (read-only, or a primary constructor's parameter).
    /// </summary>
    public static bool KeepsNoState(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (typeof(IDisposable).IsAssignableFrom(type) || typeof(IAsyncDisposable).IsAssignableFrom(type))
        {
            return false;
        }

        for (var declaring = type; declaring is not null && declaring != typeof(object); declaring = declaring.BaseType)
        {
            foreach (var field in declaring.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var primaryConstructorParameter = field.IsDefined(typeof(CompilerGeneratedAttribute)) && field.Name.StartsWith('<') && field.Name.EndsWith(">P", StringComparison.Ordinal);
                if (!field.IsInitOnly && !primaryConstructorParameter)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private sealed class Constructed
    {
        private readonly ConstructorInvoker _invoker;
        private readonly ParameterInfo[] _parameters;
        private readonly bool[] _singletons;
        private readonly object?[] _resolvedSingletons;
        private readonly bool[] _singletonResolved;

        public Constructed(ConstructorInfo constructor, IReadOnlyDictionary<Type, ServiceDescriptor> registrations)
        {
            _invoker = ConstructorInvoker.Create(constructor);
            _parameters = constructor.GetParameters();
            _singletons = [.. _parameters.Select(parameter => registrations.GetValueOrDefault(parameter.ParameterType)?.Lifetime == ServiceLifetime.Singleton)];
            _resolvedSingletons = new object?[_parameters.Length];
            _singletonResolved = new bool[_parameters.Length];
        }

        public object Build(IServiceProvider provider) => _parameters.Length switch
        {
            0 => _invoker.Invoke(),
            1 => _invoker.Invoke(Argument(0, provider)),
            2 => _invoker.Invoke(Argument(0, provider), Argument(1, provider)),
            3 => _invoker.Invoke(Argument(0, provider), Argument(1, provider), Argument(2, provider)),
            4 => _invoker.Invoke(Argument(0, provider), Argument(1, provider), Argument(2, provider), Argument(3, provider)),
            _ => _invoker.Invoke([.. Enumerable.Range(0, _parameters.Length).Select(index => Argument(index, provider))]),
        };

        private object? Argument(int index, IServiceProvider provider)
        {
            if (Volatile.Read(ref _singletonResolved[index]))
            {
                return _resolvedSingletons[index];
            }

            var parameter = _parameters[index];
            var value = provider.GetService(parameter.ParameterType);
            if (value is null)
            {
                return parameter.HasDefaultValue
                    ? parameter.DefaultValue
                    : throw new InvalidOperationException(
                        $"Unable to resolve service for type '{parameter.ParameterType}' while attempting to activate '{parameter.Member.DeclaringType}'.");
            }

            if (_singletons[index])
            {
                _resolvedSingletons[index] = value;
                Volatile.Write(ref _singletonResolved[index], true);
            }

            return value;
        }
    }
}
