using Glint.Data.Users;
using Glint.Ledger;
using Glint.Wallet.Accounts;
using Glint.Wallet.Ledger;
using Glint.Wallet.Payments;
using Glint.Wallet.Prices;
using Glint.Wallet.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Glint.Wallet;

public static class WalletServiceCollectionExtensions
{
    /// <summary>Accounts, the ledger, payments and prices; <paramref name="price"/> is the configured fixed BTC/USD price.</summary>
    public static IServiceCollection AddGlintWallet(this IServiceCollection services, BtcUsdPrice price)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPriceProvider>(provider => new FixedPriceProvider(price, provider.GetRequiredService<TimeProvider>()));
        services.AddScoped<AccountOpening>();
        services.AddScoped<IUserRegistration>(provider => provider.GetRequiredService<AccountOpening>());
        services.AddScoped<WalletLedger>();
        services.AddScoped<PaymentService>();
        services.AddScoped<LedgerAudit>();
        services.AddScoped<WalletQueries>();
        return services;
    }
}
