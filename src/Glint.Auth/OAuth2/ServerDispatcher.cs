using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
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

        // The nested events of OpenIddict's singleton handlers come back here, without a lookup in the scope (see RequestDispatcher).
        context.Transaction.Properties.TryAdd(RequestDispatcher.Property, this);
        var endpoint = context.EndpointType;
        var entries = table.ForEndpoint(context, provider);
        for (var index = 0; index < entries.Count; index++)
        {
            var entry = entries[index];
            if (entry.FilterCount != 0 && !await IsActiveAsync(entry, context))
            {
                continue;
            }

            var handler = entry.Resolve(provider);
            await entry.HandleAsync(handler, context);

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

            if (context.EndpointType != endpoint)
            {
                // The handler decided which endpoint the request is for (that happens once, early in a request's first
                // event): the handlers still to run are the ones after it in the new endpoint's table.
                endpoint = context.EndpointType;
                entries = table.ForEndpoint(context, provider);
                index = ServerHandlerTable.LastBefore(entries, entry.Position + 1);
            }
        }
    }

    /// <summary>
    /// Whether every filter lets the handler run. Filters answer at once (OpenIddict's all do): the answer is read
    /// without an async step of its own, which a request paid for each of its few hundred filtered handlers.
    /// </summary>
    private ValueTask<bool> IsActiveAsync<TContext>(ServerHandlerTable.Entry<TContext> entry, TContext context) where TContext : BaseContext
    {
        for (var index = 0; index < entry.FilterCount; index++)
        {
            var answer = entry.IsActiveAsync(index, provider, context);
            if (!answer.IsCompletedSuccessfully)
            {
                return AwaitRestAsync(answer, entry, index, context);
            }

            if (!answer.Result)
            {
                return new(false);
            }
        }

        return new(true);
    }

    private async ValueTask<bool> AwaitRestAsync<TContext>(ValueTask<bool> pending, ServerHandlerTable.Entry<TContext> entry, int index, TContext context)
        where TContext : BaseContext
    {
        if (!await pending)
        {
            return false;
        }

        for (index++; index < entry.FilterCount; index++)
        {
            if (!await entry.IsActiveAsync(index, provider, context))
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
/// OpenIddict's server handlers by event type, in OpenIddict's order (the options keep them sorted), built for the
/// options a context carries (OpenIddict gives every context the same instance; a new instance gets new tables).
/// Handlers and filters registered as singletons (by their last registration, the one the container resolves) are kept
/// once resolved; scoped ones are resolved from each request's scope, as OpenIddict does.
/// </summary>
/// <remarks>
/// Some of OpenIddict's filters read nothing but options (<see cref="SettledByOptions"/>): whether degraded mode, token
/// storage, permissions or passthrough are enabled. Their answer cannot change while the options stay the same, so each
/// is asked once, with the first context of its event: a handler one of them turns away is left out of the table (with
/// Glint's options: permission and scope validation, status code pages, and on plain HTTP the transport check), and
/// one that lets a handler through is asked no more (degraded mode and token storage guard most of the storage
/// handlers). The dispatcher runs a narrower table still, one per event and endpoint (<see cref="ForEndpoint"/>):
/// OpenIddict registers every endpoint's handlers of the shared events (processing a request, authenticating,
/// signing in, answering an error) under a filter that compares the request's endpoint, so a token request asked
/// those filters, one interface call and one async step each, for the handlers of every other endpoint. Every other
/// filter is still asked on every event.
/// </remarks>
public sealed class ServerHandlerTable(IServiceCollection services)
{
    /// <summary>
    /// The filters whose answer depends only on OpenIddict's server options, or on its ASP.NET Core host's options
    /// (read from an options monitor, and set once in code by Glint, never reloaded).
    /// </summary>
    public static readonly FrozenSet<Type> SettledByOptions = new[]
    {
        typeof(OpenIddictServerHandlerFilters.RequireAudiencePermissionsEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireAudienceValidationEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireAuthorizationStorageEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireDegradedModeDisabled),
        typeof(OpenIddictServerHandlerFilters.RequireEndpointPermissionsEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireGrantTypePermissionsEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireReferenceAccessTokensEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireReferenceRefreshTokensEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireResourcePermissionsEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireResourceValidationEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireResponseTypePermissionsEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireScopePermissionsEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireScopeValidationEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireSlidingRefreshTokenExpirationEnabled),
        typeof(OpenIddictServerHandlerFilters.RequireTokenStorageEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireAuthorizationEndpointPassthroughEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireEndSessionEndpointPassthroughEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireErrorPassthroughEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireStatusCodePagesIntegrationEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireTransportSecurityRequirementEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireTokenEndpointPassthroughEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireUserInfoEndpointPassthroughEnabled),
        typeof(OpenIddictServerAspNetCoreHandlerFilters.RequireVerificationEndpointPassthroughEnabled),
    }.ToFrozenSet();

    /// <summary>The filters whose answer depends only on the endpoint the request is for (the context's endpoint type).</summary>
    public static readonly FrozenSet<Type> SettledByEndpoint = new[]
    {
        typeof(OpenIddictServerHandlerFilters.RequireAuthorizationRequest),
        typeof(OpenIddictServerHandlerFilters.RequireConfigurationRequest),
        typeof(OpenIddictServerHandlerFilters.RequireDeviceAuthorizationRequest),
        typeof(OpenIddictServerHandlerFilters.RequireEndSessionRequest),
        typeof(OpenIddictServerHandlerFilters.RequireEndUserVerificationRequest),
        typeof(OpenIddictServerHandlerFilters.RequireIntrospectionRequest),
        typeof(OpenIddictServerHandlerFilters.RequireJsonWebKeySetRequest),
        typeof(OpenIddictServerHandlerFilters.RequirePushedAuthorizationRequest),
        typeof(OpenIddictServerHandlerFilters.RequireRevocationRequest),
        typeof(OpenIddictServerHandlerFilters.RequireTokenRequest),
        typeof(OpenIddictServerHandlerFilters.RequireUserInfoRequest),
    }.ToFrozenSet();

    private sealed record Snapshot(
        OpenIddictServerOptions Options, ConcurrentDictionary<Type, object> ByEvent,
        ConcurrentDictionary<(Type Event, OpenIddictServerEndpointType Endpoint), object> ByEndpoint);

    private Snapshot? _snapshot;
    private HashSet<Type>? _singletons;

    /// <summary>The handlers of an event, for any endpoint.</summary>
    public IReadOnlyList<Entry<TContext>> For<TContext>(TContext context, IServiceProvider provider) where TContext : BaseContext
    {
        var snapshot = SnapshotOf(context);
        return (Entry<TContext>[])(snapshot.ByEvent.TryGetValue(typeof(TContext), out var entries)
            ? entries
            : snapshot.ByEvent.GetOrAdd(typeof(TContext), _ => Build(context, provider)));
    }

    /// <summary>The handlers of an event for the endpoint the context's request is for, as it is now.</summary>
    public IReadOnlyList<Entry<TContext>> ForEndpoint<TContext>(TContext context, IServiceProvider provider) where TContext : BaseContext
    {
        var snapshot = SnapshotOf(context);
        var key = (typeof(TContext), context.EndpointType);
        return (Entry<TContext>[])(snapshot.ByEndpoint.TryGetValue(key, out var entries)
            ? entries
            : snapshot.ByEndpoint.GetOrAdd(key, _ => Narrow(For(context, provider), context, provider)));
    }

    /// <summary>The index of the last entry placed before <paramref name="position"/> in OpenIddict's order, or -1.</summary>
    public static int LastBefore<TContext>(IReadOnlyList<Entry<TContext>> entries, int position) where TContext : BaseContext
    {
        var index = -1;
        while (index + 1 < entries.Count && entries[index + 1].Position < position)
        {
            index++;
        }

        return index;
    }

    private Snapshot SnapshotOf(BaseContext context)
    {
        var snapshot = _snapshot;
        if (snapshot is null || !ReferenceEquals(snapshot.Options, context.Options))
        {
            snapshot = new Snapshot(context.Options, new(), new());
            _snapshot = snapshot;
        }

        return snapshot;
    }

    private Entry<TContext>[] Build<TContext>(TContext context, IServiceProvider provider) where TContext : BaseContext
    {
        var singletons = Singletons();
        var entries = new List<Entry<TContext>>();
        for (var position = 0; position < context.Options.Handlers.Count; position++)
        {
            var descriptor = context.Options.Handlers[position];
            if (descriptor.ContextType == typeof(TContext) &&
                Settle(descriptor.FilterTypes, SettledByOptions, context, provider) is { } asked)
            {
                entries.Add(new Entry<TContext>(descriptor, position, asked, singletons));
            }
        }

        return [.. entries];
    }

    private Entry<TContext>[] Narrow<TContext>(IReadOnlyList<Entry<TContext>> entries, TContext context, IServiceProvider provider)
        where TContext : BaseContext
    {
        var singletons = Singletons();
        var narrowed = new List<Entry<TContext>>(entries.Count);
        foreach (var entry in entries)
        {
            if (Settle(entry.FilterTypes, SettledByEndpoint, context, provider) is { } asked)
            {
                narrowed.Add(asked.Length == entry.FilterCount ? entry : new Entry<TContext>(entry.Descriptor, entry.Position, asked, singletons));
            }
        }

        return [.. narrowed];
    }

    /// <summary>
    /// The filters still to ask on every event, once those of <paramref name="settled"/> have answered for this
    /// context; null when one of them turns the handler away.
    /// </summary>
    private static Type[]? Settle<TContext>(IReadOnlyList<Type> filterTypes, FrozenSet<Type> settled, TContext context, IServiceProvider provider)
        where TContext : BaseContext
    {
        var asked = new List<Type>(filterTypes.Count);
        foreach (var filterType in filterTypes)
        {
            if (settled.Contains(filterType) && Answer(filterType, context, provider) is { } answer)
            {
                if (!answer)
                {
                    return null;
                }
            }
            else
            {
                asked.Add(filterType);
            }
        }

        return [.. asked];
    }

    /// <summary>What a filter settled by options answers, or null should it not answer at once (then it is asked every time).</summary>
    private static bool? Answer<TContext>(Type filterType, TContext context, IServiceProvider provider) where TContext : BaseContext =>
        provider.GetService(filterType) is IOpenIddictServerHandlerFilter<TContext> filter ? Settled(filter.IsActiveAsync(context)) : null;

    private static bool? Settled(ValueTask<bool> answer) => answer.IsCompletedSuccessfully ? answer.Result : null;

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
    /// A handler of <typeparamref name="TContext"/> with the filters asked on every event. What a singleton resolves
    /// to is kept already cast to the event's interface: the interfaces are contravariant, so every cast is a slow
    /// variance check.
    /// </summary>
    public sealed class Entry<TContext> where TContext : BaseContext
    {
        private readonly bool _singleton;
        private readonly Type[] _filterTypes;
        private readonly bool[] _singletonFilters;
        private readonly IOpenIddictServerHandlerFilter<TContext>?[] _filters;
        private readonly Func<TContext, ValueTask<bool>>?[] _filterCalls;
        private IOpenIddictServerHandler<TContext>? _handler;
        private Func<TContext, ValueTask>? _handlerCall;
        private Type? _checkedType;

        internal Entry(OpenIddictServerHandlerDescriptor descriptor, int position, Type[] filterTypes, HashSet<Type> singletons)
        {
            Descriptor = descriptor;
            Position = position;
            if (descriptor.ServiceDescriptor.ImplementationInstance is { } instance)
            {
                _handler = Cast(instance);
                _handlerCall = _handler.HandleAsync;
            }

            _singleton = singletons.Contains(descriptor.ServiceDescriptor.ServiceType);
            _filterTypes = filterTypes;
            _singletonFilters = [.. filterTypes.Select(singletons.Contains)];
            _filters = new IOpenIddictServerHandlerFilter<TContext>?[filterTypes.Length];
            _filterCalls = new Func<TContext, ValueTask<bool>>?[filterTypes.Length];
        }

        public OpenIddictServerHandlerDescriptor Descriptor { get; }

        /// <summary>The handler's place among all of OpenIddict's handlers (their order).</summary>
        public int Position { get; }

        public int FilterCount => _filters.Length;

        internal IReadOnlyList<Type> FilterTypes => _filterTypes;

        public IOpenIddictServerHandler<TContext> Resolve(IServiceProvider provider)
        {
            if (_handler is { } known)
            {
                return known;
            }

            var service = provider.GetService(Descriptor.ServiceDescriptor.ServiceType);
            var handler = service is not null && service.GetType() == _checkedType
                ? Unsafe.As<IOpenIddictServerHandler<TContext>>(service)
                : Cast(service);
            if (_singleton)
            {
                _handlerCall = handler.HandleAsync;
                _handler = handler;
            }

            return handler;
        }

        /// <summary>
        /// Runs <paramref name="handler"/> (what <see cref="Resolve"/> returned). A singleton's is called through a
        /// delegate bound once: one interface call site for every handler of every event is a slow, megamorphic
        /// dispatch, and a request makes a few hundred of them.
        /// </summary>
        public ValueTask HandleAsync(IOpenIddictServerHandler<TContext> handler, TContext context) =>
            _handlerCall is { } call && ReferenceEquals(handler, _handler) ? call(context) : handler.HandleAsync(context);

        /// <summary>What the filter at <paramref name="index"/> answers for <paramref name="context"/>; a singleton's through a delegate bound once.</summary>
        public ValueTask<bool> IsActiveAsync(int index, IServiceProvider provider, TContext context) =>
            _filterCalls[index] is { } call ? call(context) : ResolveFilter(index, provider).IsActiveAsync(context);

        private IOpenIddictServerHandlerFilter<TContext> ResolveFilter(int index, IServiceProvider provider)
        {
            if (_filters[index] is { } known)
            {
                return known;
            }

            var filter = provider.GetService(_filterTypes[index]) as IOpenIddictServerHandlerFilter<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict server handler filter {_filterTypes[index]} is not registered.");
            if (_singletonFilters[index])
            {
                _filters[index] = filter;
                _filterCalls[index] = filter.IsActiveAsync;
            }

            return filter;
        }

        /// <summary>
        /// <paramref name="handler"/> as the event's handler interface. The interface is contravariant, so the cast is
        /// a slow variance check: a scoped handler, resolved on every request, is checked once for its type.
        /// </summary>
        private IOpenIddictServerHandler<TContext> Cast(object? handler)
        {
            var cast = handler as IOpenIddictServerHandler<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict server handler {Descriptor.ServiceDescriptor.ServiceType} is not registered.");
            _checkedType = cast.GetType();
            return cast;
        }
    }
}
