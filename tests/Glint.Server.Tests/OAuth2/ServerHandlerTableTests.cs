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
}
