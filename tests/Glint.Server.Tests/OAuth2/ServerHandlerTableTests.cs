using System.Reflection;
using Glint.Auth.OAuth2;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Glint.Server.Tests.OAuth2;

/// <summary>
/// The handler table asks the filters that read only options once: it must leave out exactly the handlers they turn
/// away, keep OpenIddict's order, and still ask every other filter on each event.
/// </summary>
public sealed class ServerHandlerTableTests(SqliteServerFixture server) : IClassFixture<SqliteServerFixture>
{
    private static async Task<ProcessSignInContext> SignInAsync(IServiceProvider services, OpenIddictServerEndpointType endpoint, bool generate)
    {
        var transaction = await services.GetRequiredService<IOpenIddictServerFactory>().CreateTransactionAsync();
        transaction.Request = generate ? new OpenIddictRequest { ClientId = "a", ClientSecret = "b", PostLogoutRedirectUri = "https://c.example/" } : new OpenIddictRequest();
        return new ProcessSignInContext(transaction)
        {
            EndpointType = endpoint,
            GenerateAccessToken = generate,
            GenerateAuthorizationCode = generate,
            GenerateDeviceCode = generate,
            GenerateIdentityToken = generate,
            GenerateRefreshToken = generate,
            GenerateUserCode = generate,
        };
    }

    [Fact]
    public async Task Settled_filters_give_the_same_answer_whatever_the_request()
    {
        await using var scope = server.Services.CreateAsyncScope();
        foreach (var filterType in ServerHandlerTable.SettledByOptions)
        {
            var filter = (IOpenIddictServerHandlerFilter<BaseContext>)scope.ServiceProvider.GetRequiredService(filterType);
            var answers = new HashSet<bool>();
            foreach (var endpoint in Enum.GetValues<OpenIddictServerEndpointType>())
            {
                answers.Add(await filter.IsActiveAsync(await SignInAsync(scope.ServiceProvider, endpoint, generate: true)));
                answers.Add(await filter.IsActiveAsync(await SignInAsync(scope.ServiceProvider, endpoint, generate: false)));
            }

            Assert.True(answers.Count == 1, $"{filterType.Name} answers differently for different requests");
        }
    }

    [Fact]
    public async Task Handlers_turned_away_by_a_settled_filter_are_left_out_and_the_others_keep_their_order_and_other_filters()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var transaction = await scope.ServiceProvider.GetRequiredService<IOpenIddictServerFactory>().CreateTransactionAsync();
        transaction.Request = new OpenIddictRequest { GrantType = "client_credentials", ClientId = "a", ClientSecret = "b" };
        var context = new ValidateTokenRequestContext(transaction);
        var expected = new List<OpenIddictServerHandlerDescriptor>();
        var leftOut = 0;
        foreach (var descriptor in context.Options.Handlers.Where(descriptor => descriptor.ContextType == typeof(ValidateTokenRequestContext)))
        {
            var active = true;
            foreach (var filterType in descriptor.FilterTypes.Where(ServerHandlerTable.SettledByOptions.Contains))
            {
                var filter = (IOpenIddictServerHandlerFilter<BaseContext>)scope.ServiceProvider.GetRequiredService(filterType);
                active &= await filter.IsActiveAsync(context);
            }

            if (active)
            {
                expected.Add(descriptor);
            }
            else
            {
                leftOut++;
            }
        }

        var table = scope.ServiceProvider.GetRequiredService<ServerHandlerTable>().For(context, scope.ServiceProvider);

        Assert.True(leftOut > 0, "Glint's options turn none of the token request's validation handlers away");
        Assert.Equal(expected, table.Select(entry => entry.Descriptor));
        Assert.All(table, entry => Assert.Equal(entry.Descriptor.FilterTypes.Count(type => !ServerHandlerTable.SettledByOptions.Contains(type)), entry.FilterCount));
        Assert.Contains(table, entry => entry.Descriptor.FilterTypes.Contains(typeof(OpenIddictServerHandlerFilters.RequireDegradedModeDisabled)));
    }

    [Fact]
    public async Task Every_scoped_handler_is_built_per_call_with_the_dependencies_the_request_scope_gives_it()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var table = scope.ServiceProvider.GetRequiredService<ServerHandlerTable>();
        var options = scope.ServiceProvider.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var scoped = options.Handlers
            .Select(descriptor => table.Registrations.GetValueOrDefault(descriptor.ServiceDescriptor.ServiceType))
            .OfType<ServiceDescriptor>()
            .Where(registration => registration.Lifetime == ServiceLifetime.Scoped)
            .Distinct()
            .ToList();

        Assert.Contains(scoped, registration => registration.ServiceType == typeof(OpenIddictServerHandlers.ValidateClientSecret));
        Assert.Contains(scoped, registration => registration.ServiceType == typeof(GlintServerHandlers.TokenEntries.CreateEntry));
        var container = scope.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        var notBuilt = scoped.Where(registration => ScopedHandlerBuilder.For(registration, table.Registrations, container) is null).Select(registration => registration.ServiceType);
        Assert.Empty(notBuilt);
        foreach (var registration in scoped)
        {
            var build = ScopedHandlerBuilder.For(registration, table.Registrations, container)!;

            var resolved = scope.ServiceProvider.GetRequiredService(registration.ServiceType);
            var built = build(scope.ServiceProvider);
            var again = build(scope.ServiceProvider);
            Assert.IsType(resolved.GetType(), built, exactMatch: true);
            Assert.NotSame(built, again);
            for (var type = resolved.GetType(); type != typeof(object); type = type.BaseType!)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Assert.True(Equals(field.GetValue(resolved), field.GetValue(built)), $"{type}.{field.Name} differs from what the request scope gives");
                }
            }
        }
    }

    [Fact]
    public void Handlers_that_keep_state_or_dispose_are_left_to_the_request_scope()
    {
        var registrations = new Dictionary<Type, ServiceDescriptor>();
        var container = server.Services.GetRequiredService<IServiceProviderIsService>();
        Assert.NotNull(ScopedHandlerBuilder.For(ServiceDescriptor.Scoped<Stateless, Stateless>(), registrations, container));
        Assert.NotNull(ScopedHandlerBuilder.For(ServiceDescriptor.Scoped<TwoConstructors, TwoConstructors>(), registrations, container));
        Assert.Null(ScopedHandlerBuilder.For(ServiceDescriptor.Scoped<Counting, Counting>(), registrations, container));
        Assert.Null(ScopedHandlerBuilder.For(ServiceDescriptor.Scoped<Disposing, Disposing>(), registrations, container));
        Assert.Null(ScopedHandlerBuilder.For(ServiceDescriptor.Scoped<Unsealed, Unsealed>(), registrations, container));
        Assert.Null(ScopedHandlerBuilder.For(ServiceDescriptor.Scoped<Tied, Tied>(), registrations, container));
        Assert.Null(ScopedHandlerBuilder.For(ServiceDescriptor.Singleton<Stateless, Stateless>(), registrations, container));
    }

    [Fact]
    public async Task A_handler_with_several_constructors_gets_the_longest_the_container_can_fill()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var container = scope.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        var build = ScopedHandlerBuilder.For(ServiceDescriptor.Scoped<TwoConstructors, TwoConstructors>(), new Dictionary<Type, ServiceDescriptor>(), container)!;

        var built = Assert.IsType<TwoConstructors>(build(scope.ServiceProvider));

        Assert.Same(scope.ServiceProvider.GetRequiredService<TimeProvider>(), built.Time);
    }

    private sealed class Stateless(TimeProvider time)
    {
        public TimeProvider Time => time;
    }

    private sealed class Counting
    {
        public int Calls { get; set; }
    }

    private sealed class Disposing : IDisposable
    {
        public void Dispose()
        {
        }
    }

#pragma warning disable CA1852 // Left unsealed on purpose: a subclass could keep state.
    private class Unsealed
    {
    }
#pragma warning restore CA1852

    private sealed class TwoConstructors
    {
        public TwoConstructors()
        {
        }

        public TwoConstructors(TimeProvider time) => Time = time;

        public TimeProvider? Time { get; }
    }

    private sealed class Tied
    {
        public Tied(TimeProvider time) => Time = time;

        public Tied(IServiceProvider services) => Time = services.GetService<TimeProvider>();

        public TimeProvider? Time { get; }
    }
}
