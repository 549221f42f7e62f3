using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.Deployment;

/// <summary>
/// A setting every node of one database must share, recorded by the first node to start (the issuer): a node started
/// with another value refuses to start instead of half-working beside the others.
/// </summary>
public sealed class RecordedSetting
{
    /// <summary>Its table, which a start also reads in plain SQL (StartupReads).</summary>
    public const string Table = "recorded_settings";

    /// <summary>The issuer the deployment's tokens carry.</summary>
    public const string Issuer = "issuer";

    public required string Name { get; set; }

    public required string Value { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

internal sealed class RecordedSettingEntityTypeConfiguration : IEntityTypeConfiguration<RecordedSetting>
{
    public void Configure(EntityTypeBuilder<RecordedSetting> builder)
    {
        builder.ToTable(RecordedSetting.Table);
        builder.HasKey(setting => setting.Name);
        builder.Property(setting => setting.Name).HasMaxLength(64);
        builder.Property(setting => setting.Value).HasMaxLength(2048);
    }
}
