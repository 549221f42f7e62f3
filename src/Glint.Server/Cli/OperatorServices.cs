using Glint.Data;
using Glint.Server.Hosting;
using Glint.Wallets;

namespace Glint.Server.Cli;

/// <summary>The wallet services over the database alone, for operator commands that run without the server.</summary>
public static class OperatorServices
{
    public static async Task<ServiceProvider> OpenAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        await Database.MigrateAsync(settings.Dsn, cancellationToken);
        var services = new ServiceCollection();
        services.AddDbContext<GlintDbContext>(options => Database.Use(options, settings.Dsn));
        services.AddGlintWallet(settings.Price);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
