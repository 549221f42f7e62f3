using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Glint.Server.Tests.Infrastructure;

/// <summary>Puts a test's clock in place of the server's, for every part of it, OpenIddict included.</summary>
public static class ClockedServer
{
    public static void Use(IServiceCollection services, TimeProvider clock)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton(clock);
    }
}
