using Glint.Data.ApiKeys;
using Glint.Data.Audit;
using Glint.Data.Callbacks;
using Glint.Data.Deployment;
using Glint.Data.Developers;
using Glint.Data.OAuth;
using Glint.Data.Prices;
using Glint.Data.Users;
using Glint.Data.Wallets;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Glint.Data;

/// <summary>
/// The one database context. Each provider project (SQLite, PostgreSQL) supplies its own migrations assembly.
/// </summary>
public sealed class GlintDbContext(DbContextOptions<GlintDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Client> Clients => Set<Client>();

    public DbSet<OAuthToken> OAuthTokens => Set<OAuthToken>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<OAuthFlow> OAuthFlows => Set<OAuthFlow>();

    public DbSet<JwtBearerTrust> JwtBearerTrusts => Set<JwtBearerTrust>();

    public DbSet<LoginSession> LoginSessions => Set<LoginSession>();

    public DbSet<LogoutRequest> LogoutRequests => Set<LogoutRequest>();

    public DbSet<OAuthAuthorization> OAuthAuthorizations => Set<OAuthAuthorization>();

    public DbSet<User> Users => Set<User>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<LoginCode> LoginCodes => Set<LoginCode>();

    public DbSet<SessionToken> SessionTokens => Set<SessionToken>();

    public DbSet<LoginFailure> LoginFailures => Set<LoginFailure>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    /// <summary>The key ring of the login pages' cookies and forms, shared by every node (sealed by the server).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The login key ring's table, which a start also reads in plain SQL.</summary>
    public const string DataProtectionKeysTable = "data_protection_keys";

    public DbSet<WalletAccount> Accounts => Set<WalletAccount>();

    public DbSet<Wallet> Wallets => Set<Wallet>();

    public DbSet<JournalEntryRecord> JournalEntries => Set<JournalEntryRecord>();

    public DbSet<PostingRecord> Postings => Set<PostingRecord>();

    public DbSet<AccountContact> AccountContacts => Set<AccountContact>();

    /// <summary>
    /// SQLite has no timestamp type: stored as text, a <see cref="DateTimeOffset"/> can be read and compared for equality
    /// but not ordered or compared in a query. As a 64-bit number it can, so windows and expiries are queries there too.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        if (Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }
    public DbSet<LightningInvoice> LightningInvoices => Set<LightningInvoice>();

    public DbSet<LightningNodeKey> LightningNodeKeys => Set<LightningNodeKey>();

    public DbSet<CallbackEndpoint> CallbackEndpoints => Set<CallbackEndpoint>();

    public DbSet<CallbackDelivery> CallbackDeliveries => Set<CallbackDelivery>();

    /// <summary>The BTC/USD prices a price feed gave over time (see <see cref="PriceHistoryPoint"/>).</summary>
    public DbSet<PriceHistoryPoint> PriceHistory => Set<PriceHistoryPoint>();

    /// <summary>Apps registered through the developer portal, and their history of decisions.</summary>
    public DbSet<DeveloperApp> DeveloperApps => Set<DeveloperApp>();

    public DbSet<DeveloperAppEvent> DeveloperAppEvents => Set<DeveloperAppEvent>();

    /// <summary>Settings every node of the database must share (see <see cref="RecordedSetting"/>).</summary>
    public DbSet<RecordedSetting> RecordedSettings => Set<RecordedSetting>();

    /// <summary>Security-relevant events: who did what, when and from where (see <see cref="AuditEvent"/>).</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict<Client, OAuthAuthorization, OAuthScope, OAuthToken, string>();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GlintDbContext).Assembly);
        modelBuilder.Entity<DataProtectionKey>().ToTable(DataProtectionKeysTable);
    }
}
