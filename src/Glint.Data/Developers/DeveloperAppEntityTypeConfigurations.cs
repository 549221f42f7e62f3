using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.Developers;

internal sealed class DeveloperAppEntityTypeConfiguration : IEntityTypeConfiguration<DeveloperApp>
{
    public void Configure(EntityTypeBuilder<DeveloperApp> builder)
    {
        builder.ToTable("apps");
        builder.Property(app => app.Subject).HasMaxLength(64);
        builder.Property(app => app.Name).HasMaxLength(100);
        builder.Property(app => app.Description).HasMaxLength(4000);
        builder.Property(app => app.HomepageUrl).HasMaxLength(2048);
        builder.Property(app => app.LogoUrl).HasMaxLength(2048);
        builder.Property(app => app.PrivacyUrl).HasMaxLength(2048);
        builder.Property(app => app.TermsUrl).HasMaxLength(2048);
        builder.Property(app => app.ContactEmail).HasMaxLength(320);
        builder.Property(app => app.Scopes).HasMaxLength(1000);
        builder.Property(app => app.PendingScopes).HasMaxLength(1000);
        builder.Property(app => app.AuthMethod).HasMaxLength(32);
        builder.Property(app => app.Status).HasMaxLength(32);
        builder.Property(app => app.StatusMessage).HasMaxLength(2000);
        builder.Property(app => app.ClientId).HasMaxLength(100);
        builder.Property(app => app.SealedSecret).HasMaxLength(128);
        builder.HasIndex(app => app.Subject);
        builder.HasIndex(app => new { app.Status, app.CreatedAt });
        builder.HasIndex(app => app.ClientId).IsUnique();
    }
}

internal sealed class DeveloperAppEventEntityTypeConfiguration : IEntityTypeConfiguration<DeveloperAppEvent>
{
    public void Configure(EntityTypeBuilder<DeveloperAppEvent> builder)
    {
        builder.ToTable("app_events");
        builder.Property(entry => entry.Id).ValueGeneratedOnAdd();
        builder.Property(entry => entry.Actor).HasMaxLength(64);
        builder.Property(entry => entry.Action).HasMaxLength(32);
        builder.Property(entry => entry.Message).HasMaxLength(2000);
        builder.HasIndex(entry => new { entry.AppId, entry.Id });
        // The registrations-a-day limit counts a developer's recent registrations, deleted apps included.
        builder.HasIndex(entry => new { entry.Actor, entry.Action, entry.At });
    }
}
