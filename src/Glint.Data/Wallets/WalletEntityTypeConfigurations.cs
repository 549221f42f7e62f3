using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.Wallets;

internal sealed class WalletAccountEntityTypeConfiguration : IEntityTypeConfiguration<WalletAccount>
{
    public void Configure(EntityTypeBuilder<WalletAccount> builder)
    {
        builder.ToTable("accounts");
        builder.Property(account => account.Username).HasMaxLength(50);
        builder.Property(account => account.UsernameKey).HasMaxLength(50);
        builder.Property(account => account.DisplayCurrency).HasMaxLength(8);
        builder.Property(account => account.Status).HasMaxLength(16);
        builder.Property(account => account.DisabledPushCategories).HasMaxLength(256);
        builder.HasIndex(account => account.UserId).IsUnique();
        builder.HasIndex(account => account.UsernameKey).IsUnique();
    }
}

internal sealed class AccountContactEntityTypeConfiguration : IEntityTypeConfiguration<AccountContact>
{
    public void Configure(EntityTypeBuilder<AccountContact> builder)
    {
        builder.ToTable("account_contacts");
        builder.HasKey(contact => new { contact.AccountId, contact.ContactAccountId });
        builder.Property(contact => contact.Alias).HasMaxLength(50);
    }
}

internal sealed class WalletEntityTypeConfiguration : IEntityTypeConfiguration<Wallet>
{
    public void Configure(EntityTypeBuilder<Wallet> builder)
    {
        builder.ToTable("wallets", table => table.HasCheckConstraint("ck_wallets_balance_not_negative", "\"Balance\" >= 0"));
        builder.Property(wallet => wallet.Currency).HasMaxLength(3);
        builder.HasIndex(wallet => wallet.AccountId);
    }
}

internal sealed class JournalEntryEntityTypeConfiguration : IEntityTypeConfiguration<JournalEntryRecord>
{
    public void Configure(EntityTypeBuilder<JournalEntryRecord> builder)
    {
        builder.ToTable("ledger_entries");
        builder.Property(entry => entry.Kind).HasMaxLength(32);
        builder.Property(entry => entry.IdempotencyKey).HasMaxLength(64);
        builder.Property(entry => entry.Memo).HasMaxLength(1024);
        builder.HasIndex(entry => new { entry.InitiatorAccountId, entry.IdempotencyKey }).IsUnique();
        builder.HasMany(entry => entry.Postings).WithOne().HasForeignKey(posting => posting.EntryId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PostingEntityTypeConfiguration : IEntityTypeConfiguration<PostingRecord>
{
    public void Configure(EntityTypeBuilder<PostingRecord> builder)
    {
        builder.ToTable("ledger_postings");
        builder.Property(posting => posting.Id).ValueGeneratedOnAdd();
        builder.Property(posting => posting.LedgerAccount).HasMaxLength(80);
        builder.Property(posting => posting.Currency).HasMaxLength(3);
        builder.HasIndex(posting => new { posting.WalletId, posting.Id });
        builder.HasIndex(posting => posting.LedgerAccount);
    }
}

internal sealed class LightningInvoiceEntityTypeConfiguration : IEntityTypeConfiguration<LightningInvoice>
{
    public void Configure(EntityTypeBuilder<LightningInvoice> builder)
    {
        builder.ToTable("lightning_invoices");
        builder.Property(invoice => invoice.Id).ValueGeneratedOnAdd();
        builder.Property(invoice => invoice.PaymentHash).HasMaxLength(64);
        builder.Property(invoice => invoice.Preimage).HasMaxLength(64);
        builder.Property(invoice => invoice.PaymentSecret).HasMaxLength(64);
        builder.Property(invoice => invoice.PaymentRequest).HasMaxLength(2048);
        builder.Property(invoice => invoice.Currency).HasMaxLength(3);
        builder.Property(invoice => invoice.Memo).HasMaxLength(1024);
        builder.Property(invoice => invoice.DescriptionHash).HasMaxLength(64);
        builder.Property(invoice => invoice.ExternalId).HasMaxLength(100);
        builder.Property(invoice => invoice.Status).HasMaxLength(16);
        builder.HasIndex(invoice => invoice.PaymentHash).IsUnique();
        builder.HasIndex(invoice => new { invoice.WalletId, invoice.Id });
    }
}

internal sealed class LightningNodeKeyEntityTypeConfiguration : IEntityTypeConfiguration<LightningNodeKey>
{
    public void Configure(EntityTypeBuilder<LightningNodeKey> builder)
    {
        builder.ToTable(LightningNodeKey.Table);
        builder.Property(key => key.Id).HasMaxLength(16);
    }
}
