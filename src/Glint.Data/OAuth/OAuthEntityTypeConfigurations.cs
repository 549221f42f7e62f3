using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.OAuth;

internal sealed class OAuthClientEntityTypeConfiguration : IEntityTypeConfiguration<OAuthClient>
{
    public void Configure(EntityTypeBuilder<OAuthClient> builder)
    {
        builder.ToTable("oauth2_clients");
        builder.Property(client => client.Document).IsRequired();
        builder.Property(client => client.Owner).HasMaxLength(400).IsRequired();
        builder.HasIndex(client => client.Owner);
        builder.HasIndex(client => client.DisplayName);
    }
}

internal sealed class OAuthAuthorizationEntityTypeConfiguration : IEntityTypeConfiguration<OAuthAuthorization>
{
    public void Configure(EntityTypeBuilder<OAuthAuthorization> builder) => builder.ToTable("oauth2_authorizations");
}

internal sealed class OAuthTokenEntityTypeConfiguration : IEntityTypeConfiguration<OAuthToken>
{
    public void Configure(EntityTypeBuilder<OAuthToken> builder) => builder.ToTable("oauth2_tokens");
}

internal sealed class OAuthScopeEntityTypeConfiguration : IEntityTypeConfiguration<OAuthScope>
{
    public void Configure(EntityTypeBuilder<OAuthScope> builder) => builder.ToTable("oauth2_scopes");
}

internal sealed class SigningKeyEntityTypeConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> builder)
    {
        builder.ToTable("jwk_signing_keys");
        builder.HasKey(key => key.Id);
        builder.Property(key => key.Id).HasMaxLength(64);
        builder.Property(key => key.Algorithm).HasMaxLength(16);
        builder.HasIndex(key => key.CreatedAt);
    }
}
