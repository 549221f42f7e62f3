using Glint.Auth.Clients;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Benchmarks;

/// <summary>OpenIddict's core (managers and EF Core stores) with Glint's entities and client manager, as the server registers them.</summary>
public static class OpenIddictServices
{
    public static ServiceProvider Build(ScratchDatabase database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDbContext<GlintDbContext>(database.Use);
        services.AddOpenIddict().AddCore(core =>
        {
            core.UseEntityFrameworkCore()
                .UseDbContext<GlintDbContext>()
                .ReplaceDefaultEntities<OAuthClient, OAuthAuthorization, OAuthScope, OAuthToken, string>();
            core.ReplaceApplicationManager<OAuthClient, ClientManager>();
        });
        return services.BuildServiceProvider();
    }
}
