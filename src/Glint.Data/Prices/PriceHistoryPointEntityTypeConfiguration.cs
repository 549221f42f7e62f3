using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.Prices;

internal sealed class PriceHistoryPointEntityTypeConfiguration : IEntityTypeConfiguration<PriceHistoryPoint>
{
    public void Configure(EntityTypeBuilder<PriceHistoryPoint> builder)
    {
        builder.ToTable("price_history");
        builder.HasKey(point => point.At);
        builder.Property(point => point.At).ValueGeneratedNever();
    }
}
