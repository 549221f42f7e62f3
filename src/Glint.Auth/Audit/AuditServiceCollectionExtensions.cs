using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Glint.Auth.Audit;

public static class AuditServiceCollectionExtensions
{
    /// <summary>The audit trail and its batch writer; harmless to call again (the auth and login services both do).</summary>
    public static IServiceCollection AddGlintAudit(this IServiceCollection services)
    {
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<AuditBatchWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditBatchWriter>());
        return services;
    }
}
