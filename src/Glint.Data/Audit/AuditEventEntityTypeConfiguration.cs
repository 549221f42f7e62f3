using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.Audit;

internal sealed class AuditEventEntityTypeConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.Property(audit => audit.ActorKind).HasMaxLength(16);
        builder.Property(audit => audit.Action).HasMaxLength(64);
        builder.Property(audit => audit.Subject).HasMaxLength(400);
        builder.Property(audit => audit.ClientId).HasMaxLength(400);
        builder.Property(audit => audit.Target).HasMaxLength(255);
        builder.Property(audit => audit.Reason).HasMaxLength(255);
        builder.Property(audit => audit.RemoteAddress).HasMaxLength(64);
        builder.HasIndex(audit => audit.At);
        builder.HasIndex(audit => new { audit.Subject, audit.At });
        builder.HasIndex(audit => new { audit.ClientId, audit.At });
    }
}
