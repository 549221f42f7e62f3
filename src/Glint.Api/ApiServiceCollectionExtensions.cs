using Glint.Api.Accounts;
using Glint.Api.Http;
using Glint.Api.LightningAddresses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Glint.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The GraphQL API: schema, parsed-document cache and endpoint, and the settings it writes. Needs the wallet
    /// services (<c>AddGlintWallet</c>); <c>globals</c> reads the <c>api</c> configuration section. Also the Lightning
    /// addresses' pay requests and the LNURL payments, which need the callbacks' settings (<c>AddGlintCallbacks</c>).
    /// </summary>
    public static IServiceCollection AddGlintApi(this IServiceCollection services)
    {
        services.AddOptions<GlintApiOptions>().BindConfiguration(GlintApiOptions.Section);
        services.TryAddSingleton(_ =>
        {
            // Built once, before the first request, rather than by whichever requests arrive first.
            var schema = new GlintSchema();
            schema.Initialize();
            return schema;
        });
        services.TryAddSingleton<DocumentCache>();
        services.TryAddSingleton<GraphQLEndpoint>();
        services.TryAddSingleton<GraphQLWebSocket>();
        services.TryAddScoped<SignInMethods>();
        services.TryAddScoped<NotificationSettings>();
        services.TryAddScoped<AccountClosure>();
        services.TryAddScoped<ContactAliases>();
        services.TryAddSingleton<LightningAddressDomains>();
        services.TryAddSingleton<LnurlFetcher>();
        services.TryAddScoped<PayRequests>();
        services.TryAddScoped<LnurlPayments>();
        services.AddApiRateLimits();
        return services;
    }
}
