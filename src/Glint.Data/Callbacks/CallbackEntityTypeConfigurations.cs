using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.Callbacks;

internal sealed class CallbackEndpointEntityTypeConfiguration : IEntityTypeConfiguration<CallbackEndpoint>
{
    public void Configure(EntityTypeBuilder<CallbackEndpoint> builder)
    {
        builder.ToTable("callback_endpoints");
        builder.Property(endpoint => endpoint.Url).HasMaxLength(2048);
        builder.Property(endpoint => endpoint.SealedSecret).HasMaxLength(128);
        builder.HasIndex(endpoint => endpoint.AccountId);
    }
}

internal sealed class CallbackDeliveryEntityTypeConfiguration : IEntityTypeConfiguration<CallbackDelivery>
{
    public void Configure(EntityTypeBuilder<CallbackDelivery> builder)
    {
        builder.ToTable("callback_deliveries");
        builder.Property(delivery => delivery.Id).ValueGeneratedOnAdd();
        builder.Property(delivery => delivery.EventType).HasMaxLength(32);
        builder.Property(delivery => delivery.Status).HasMaxLength(16);
        // The dispatcher's claim: due pending deliveries, oldest first.
        builder.HasIndex(delivery => new { delivery.Status, delivery.NextAttemptAt });
        builder.HasIndex(delivery => new { delivery.EndpointId, delivery.Id });
        builder.HasOne<CallbackEndpoint>().WithMany().HasForeignKey(delivery => delivery.EndpointId).OnDelete(DeleteBehavior.Cascade);
    }
}
