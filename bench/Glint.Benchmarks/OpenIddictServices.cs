using Glint.Auth;
using Glint.Auth.Jwk;
using Glint.Data;
using Glint.Data.Notifications;
using Glint.Data.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Benchmarks;

/// <summary>
/// Glint's authorization services registered exactly as the server registers them (<c>AddGlintAuth</c>: OpenIddict's
/// managers with Glint's replacements, over the EF Core stores), on a scratch database, so the benchmarks measure
/// the managers the token endpoint uses and follow them when they change.
/// </summary>
public static class OpenIddictServices
{
    public static ServiceProvider Build(ScratchDatabase database)
    {
        var secret = new SystemSecret("glint-benchmarks-system-secret");
        SigningKeyRing keys;
        using (var db = database.Open())
        {
            var startup = new StartupDatabase(db.Database.GetDbConnection(), () => db);
            keys = SigningKeyRing.LoadOrCreateAsync(startup, new KeySealer(secret), TimeProvider.System, CancellationToken.None).GetAwaiter().GetResult();
            startup.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<GlintDbContext>(database.Use);
        services.AddSingleton<INotificationChannel, InProcessNotificationChannel>();
        services.AddGlintAuth(new AuthSettings { Issuer = new Uri("http://127.0.0.1:4444"), AllowHttp = true }, keys, secret);
        return services.BuildServiceProvider();
    }
}
