using Glint.Data.Users;
using Glint.Data.Notifications;
using Glint.Ledger;
using Glint.Ledger.Storage;
using Glint.Wallets.Events;
using Glint.Wallets.Invoices;
using Glint.Wallets.Lightning;
using Glint.Wallets.Accounts;
using Glint.Wallets.Journal;
using Glint.Wallets.Payments;
using Glint.Wallets.Prices;
using Glint.Wallets.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Glint.Wallets;

public static class WalletServiceCollectionExtensions
{
    /// <summary>Accounts, the ledger, payments, events and prices; <paramref name="price"/> is the configured fixed BTC/USD price.</summary>
    public static IServiceCollection AddGlintWallet(this IServiceCollection services, BtcUsdPrice price)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => CurrentPrice.Fixed(price, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IPriceProvider>(provider => provider.GetRequiredService<CurrentPrice>());
        services.AddScoped<PriceHistory>();
        services.AddScoped<AccountOpening>();
        services.AddScoped<AccountSettings>();
        services.AddScoped<IUserRegistration>(provider => provider.GetRequiredService<AccountOpening>());
        services.TryAddSingleton<SqliteCommitGroups>();
        services.TryAddSingleton<PostgresCommitGroups>();
        services.TryAddSingleton<Callbacks.CallbackOutbox>();
        services.AddScoped<WalletLedger>();
        services.AddScoped<ILedgerStore>(provider => provider.GetRequiredService<WalletLedger>());
        services.AddScoped<PaymentService>();
        services.TryAddSingleton<WalletOwnership>();
        services.AddScoped<LedgerAudit>();
        services.TryAddSingleton<HeldReadConnections>();
        services.TryAddSingleton<SettledAccountRead>();
        services.AddScoped<WalletQueries>();
        services.AddLogging();
        services.TryAddSingleton<INotificationChannel, InProcessNotificationChannel>();
        services.TryAddSingleton<WalletEvents>();
        return services;
    }

    /// <summary>
    /// The price from an HTTP JSON feed (<c>prices.source = feed</c>) instead of the fixed one: this node polls it
    /// (<see cref="PriceFeedPoller"/>) and starts from <paramref name="initial"/> until the history or the feed says otherwise.
    /// </summary>
    public static IServiceCollection AddGlintPriceFeed(this IServiceCollection services, PriceFeedOptions feed, BtcUsdPrice initial)
    {
        services.Replace(ServiceDescriptor.Singleton(provider => CurrentPrice.Fed(initial, provider.GetRequiredService<TimeProvider>())));
        services.AddSingleton(feed);
        services.AddSingleton(provider => new PriceFeedReader(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
            {
                Timeout = Timeout.InfiniteTimeSpan,
                MaxResponseContentBufferSize = PriceFeedOptions.MaxAnswerBytes,
            },
            feed));
        services.AddSingleton<PriceFeedPoller>();
        services.AddHostedService(provider => provider.GetRequiredService<PriceFeedPoller>());
        return services;
    }

    /// <summary>
    /// Lightning invoices: issuing them with <paramref name="node"/>'s key, paying them, reading them. The server adds
    /// them; operator commands, which never open the node key, do not.
    /// </summary>
    public static IServiceCollection AddGlintInvoices(this IServiceCollection services, LightningNode node)
    {
        services.AddSingleton(node);
        services.TryAddSingleton<ILightningNodeConnector, NoExternalNetworkConnector>();
        services.TryAddSingleton<InvoiceLimits>();
        services.AddScoped<InvoiceIssuer>();
        services.AddScoped<InvoicePayments>();
        services.AddScoped<InvoiceQueries>();
        return services;
    }
}
