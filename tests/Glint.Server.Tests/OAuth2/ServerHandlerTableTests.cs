using Glint.Auth.OAuth2;
using Glint.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task Endpoint_filters_answer_by_the_endpoint_alone_and_let_one_endpoint_through()
    {
        await using var scope = server.Services.CreateAsyncScope();
        foreach (var filterType in ServerHandlerTable.SettledByEndpoint)
        {
            var filter = (IOpenIddictServerHandlerFilter<BaseContext>)scope.ServiceProvider.GetRequiredService(filterType);
            var through = new List<OpenIddictServerEndpointType>();
            foreach (var endpoint in Enum.GetValues<OpenIddictServerEndpointType>())
            {
                var generated = await filter.IsActiveAsync(await SignInAsync(scope.ServiceProvider, endpoint, generate: true));
                var bare = await filter.IsActiveAsync(await SignInAsync(scope.ServiceProvider, endpoint, generate: false));
                Assert.True(generated == bare, $"{filterType.Name} answers differently for two requests to {endpoint}");
                if (generated)
                {
                    through.Add(endpoint);
                }
            }

            Assert.True(through.Count == 1, $"{filterType.Name} lets {through.Count} endpoints through");
        }
    }

    [Theory]
    [InlineData(OpenIddictServerEndpointType.Token)]
    [InlineData(OpenIddictServerEndpointType.Authorization)]
    [InlineData(OpenIddictServerEndpointType.Unknown)]
    public async Task The_endpoint_table_leaves_out_other_endpoints_handlers_and_keeps_the_others_in_order_with_their_other_filters(
        OpenIddictServerEndpointType endpoint)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var table = scope.ServiceProvider.GetRequiredService<ServerHandlerTable>();
        var context = await SignInAsync(scope.ServiceProvider, endpoint, generate: true);
        var expected = new List<OpenIddictServerHandlerDescriptor>();
        var leftOut = 0;
        foreach (var entry in table.For(context, scope.ServiceProvider))
        {
            var active = true;
            foreach (var filterType in entry.Descriptor.FilterTypes.Where(ServerHandlerTable.SettledByEndpoint.Contains))
            {
                var filter = (IOpenIddictServerHandlerFilter<BaseContext>)scope.ServiceProvider.GetRequiredService(filterType);
                active &= await filter.IsActiveAsync(context);
            }

            if (active)
            {
                expected.Add(entry.Descriptor);
            }
            else
            {
                leftOut++;
            }
        }

        var narrowed = table.ForEndpoint(context, scope.ServiceProvider);

        Assert.True(leftOut > 0, $"no sign-in handler is turned away for {endpoint}");
        Assert.Equal(expected, narrowed.Select(entry => entry.Descriptor));
        Assert.Equal(narrowed.Select(entry => entry.Position).Order(), narrowed.Select(entry => entry.Position));
        Assert.All(narrowed, entry => Assert.Equal(
            entry.Descriptor.FilterTypes.Count(type => !ServerHandlerTable.SettledByOptions.Contains(type) && !ServerHandlerTable.SettledByEndpoint.Contains(type)),
            entry.FilterCount));
    }

    [Fact]
    public async Task Once_the_endpoint_is_matched_a_request_goes_on_with_the_handlers_after_the_match_in_the_endpoints_table()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var table = scope.ServiceProvider.GetRequiredService<ServerHandlerTable>();
        var transaction = await scope.ServiceProvider.GetRequiredService<IOpenIddictServerFactory>().CreateTransactionAsync();
        var context = new ProcessRequestContext(transaction);
        var unknown = table.ForEndpoint(context, scope.ServiceProvider);
        var match = unknown.Single(entry => entry.Descriptor.ServiceDescriptor.ServiceType == typeof(GlintServerHandlers.MatchEndpoint));

        context.EndpointType = OpenIddictServerEndpointType.Token;
        var token = table.ForEndpoint(context, scope.ServiceProvider);
        var rest = token.Skip(ServerHandlerTable.LastBefore(token, match.Position + 1) + 1).ToList();

        Assert.Equal(table.For(context, scope.ServiceProvider)
                .Where(entry => entry.Position > match.Position)
                .Where(entry => !entry.Descriptor.FilterTypes.Any(type => ServerHandlerTable.SettledByEndpoint.Contains(type) && type != typeof(OpenIddictServerHandlerFilters.RequireTokenRequest)))
                .Select(entry => entry.Descriptor),
            rest.Select(entry => entry.Descriptor));
        Assert.Contains(rest, entry => entry.Descriptor.ServiceDescriptor.ServiceType == typeof(OpenIddictServerHandlers.Exchange.ExtractTokenRequest));
    }
}
