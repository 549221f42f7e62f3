using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Runs OpenIddict's server handlers for an event exactly as OpenIddict's own dispatcher does (in order, each after
/// its filters pass, stopping once the request is handled, skipped or rejected), but from a table of the handlers of
/// each event type built once, instead of a walk through every registered handler on every event. A token request
/// raises a dozen events over several hundred handlers: that walk, with its type checks and service lookups, was
/// about a sixth of the token endpoint's CPU. Singleton handlers and filters are resolved, and checked against the
/// event's handler interface, once.
/// </summary>
public sealed partial class ServerDispatcher(ServerHandlerTable table, IServiceProvider provider, ILogger<ServerDispatcher> logger)
    : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context) where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var entry in table.For<TContext>())
        {
            if (!await IsActiveAsync(entry, context))
            {
                continue;
            }

            var handler = entry.Resolve(provider);
            await handler.HandleAsync(context);

            var stop = context switch
            {
                BaseRequestContext { IsRequestHandled: true } => "handled the request",
                BaseRequestContext { IsRequestSkipped: true } => "skipped the request",
                BaseValidatingContext { IsRejected: true } => "rejected the request",
                _ => null,
            };
            if (stop is not null)
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    LogStopped(logger, typeof(TContext).Name, handler.GetType().FullName, stop);
                }

                return;
            }
        }
    }

    private async ValueTask<bool> IsActiveAsync<TContext>(ServerHandlerTable.Entry<TContext> entry, TContext context) where TContext : BaseContext
    {
        for (var index = 0; index < entry.FilterCount; index++)
        {
            if (!await entry.ResolveFilter(index, provider).IsActiveAsync(context))
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(EventId = 4210, Level = LogLevel.Debug, Message = "{Event}: {Handler} {Outcome}; no further handler runs")]
    private static partial void LogStopped(ILogger logger, string @event, string? handler, string outcome);
}

/// <summary>
/// OpenIddict's server handlers by event type, in OpenIddict's order (the options keep them sorted). Rebuilt should the
/// options ever hold a new list. Handlers and filters registered as singletons (by their last registration, the one
/// the container resolves) are kept once resolved; scoped ones are resolved from each request's scope, as OpenIddict does.
/// </summary>
public sealed class ServerHandlerTable(IOptionsMonitor<OpenIddictServerOptions> options, IServiceCollection services)
{
    private sealed record Snapshot(List<OpenIddictServerHandlerDescriptor> Source, ConcurrentDictionary<Type, object> ByEvent);

    private Snapshot? _snapshot;
    private HashSet<Type>? _singletons;

    public IReadOnlyList<Entry<TContext>> For<TContext>() where TContext : BaseContext
    {
        var source = options.CurrentValue.Handlers;
        var snapshot = _snapshot;
        if (snapshot is null || !ReferenceEquals(snapshot.Source, source))
        {
            snapshot = new Snapshot(source, new ConcurrentDictionary<Type, object>());
            _snapshot = snapshot;
        }

        return (Entry<TContext>[])(snapshot.ByEvent.TryGetValue(typeof(TContext), out var entries)
            ? entries
            : snapshot.ByEvent.GetOrAdd(typeof(TContext), _ =>
                source.Where(descriptor => descriptor.ContextType == typeof(TContext)).Select(descriptor => new Entry<TContext>(descriptor, Singletons())).ToArray()));
    }

    /// <summary>The service types whose last registration is a singleton, read once the container is built.</summary>
    private HashSet<Type> Singletons()
    {
        if (_singletons is { } known)
        {
            return known;
        }

        var lifetimes = new Dictionary<Type, ServiceLifetime>();
        foreach (var service in services)
        {
            lifetimes[service.ServiceType] = service.Lifetime;
        }

        return _singletons = [.. lifetimes.Where(lifetime => lifetime.Value == ServiceLifetime.Singleton).Select(lifetime => lifetime.Key)];
    }

    /// <summary>
    /// A handler of <typeparamref name="TContext"/> with its filters. What a singleton resolves to is kept already cast
    /// to the event's interface: the interfaces are contravariant, so every cast is a slow variance check.
    /// </summary>
    public sealed class Entry<TContext> where TContext : BaseContext
    {
        private readonly bool _singleton;
        private readonly bool[] _singletonFilters;
        private readonly IOpenIddictServerHandlerFilter<TContext>?[] _filters;
        private IOpenIddictServerHandler<TContext>? _handler;

        internal Entry(OpenIddictServerHandlerDescriptor descriptor, HashSet<Type> singletons)
        {
            Descriptor = descriptor;
            _handler = descriptor.ServiceDescriptor.ImplementationInstance is { } instance ? Cast(instance) : null;
            _singleton = singletons.Contains(descriptor.ServiceDescriptor.ServiceType);
            _singletonFilters = [.. descriptor.FilterTypes.Select(singletons.Contains)];
            _filters = new IOpenIddictServerHandlerFilter<TContext>?[descriptor.FilterTypes.Length];
        }

        public OpenIddictServerHandlerDescriptor Descriptor { get; }

        public int FilterCount => _filters.Length;

        public IOpenIddictServerHandler<TContext> Resolve(IServiceProvider provider)
        {
            if (_handler is { } known)
            {
                return known;
            }

            var handler = Cast(provider.GetService(Descriptor.ServiceDescriptor.ServiceType));
            if (_singleton)
            {
                _handler = handler;
            }

            return handler;
        }

        public IOpenIddictServerHandlerFilter<TContext> ResolveFilter(int index, IServiceProvider provider)
        {
            if (_filters[index] is { } known)
            {
                return known;
            }

            var filter = provider.GetService(Descriptor.FilterTypes[index]) as IOpenIddictServerHandlerFilter<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict server handler filter {Descriptor.FilterTypes[index]} is not registered.");
            if (_singletonFilters[index])
            {
                _filters[index] = filter;
            }

            return filter;
        }

        private IOpenIddictServerHandler<TContext> Cast(object? handler) =>
            handler as IOpenIddictServerHandler<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict server handler {Descriptor.ServiceDescriptor.ServiceType} is not registered.");
    }
}
