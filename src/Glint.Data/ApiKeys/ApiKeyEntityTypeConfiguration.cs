using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.ApiKeys;

internal sealed class ApiKeyEntityTypeConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.Property(key => key.Name).HasMaxLength(100);
        builder.Property(key => key.KeyHash).HasMaxLength(32);
        builder.Property(key => key.Scopes).HasMaxLength(64);
        builder.HasIndex(key => key.KeyHash).IsUnique();
        builder.HasIndex(key => key.UserId);
    }
}
