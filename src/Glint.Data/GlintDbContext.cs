using Glint.Data.OAuth;
using Glint.Data.Users;
using Glint.Data.Wallets;
using Microsoft.EntityFrameworkCore;

namespace Glint.Data;

/// <summary>
/// The one database context. Each provider project (SQLite, PostgreSQL) supplies its own migrations assembly.
/// </summary>
public sealed class GlintDbContext(DbContextOptions<GlintDbContext> options) : DbContext(options)
{
    public DbSet<OAuthClient> OAuthClients => Set<OAuthClient>();

    public DbSet<OAuthToken> OAuthTokens => Set<OAuthToken>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<OAuthFlow> OAuthFlows => Set<OAuthFlow>();

    public DbSet<LoginSession> LoginSessions => Set<LoginSession>();

    public DbSet<LogoutRequest> LogoutRequests => Set<LogoutRequest>();

    public DbSet<OAuthAuthorization> OAuthAuthorizations => Set<OAuthAuthorization>();

    public DbSet<User> Users => Set<User>();

    public DbSet<WalletAccount> Accounts => Set<WalletAccount>();

    public DbSet<Wallet> Wallets => Set<Wallet>();

    public DbSet<JournalEntryRecord> JournalEntries => Set<JournalEntryRecord>();

    public DbSet<PostingRecord> Postings => Set<PostingRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict<OAuthClient, OAuthAuthorization, OAuthScope, OAuthToken, string>();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GlintDbContext).Assembly);
    }
}
