using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.OAuth;

internal sealed class ClientEntityTypeConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> builder)
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
        builder.ToTable(SigningKey.Table);
        builder.HasKey(key => key.Id);
        builder.Property(key => key.Id).HasMaxLength(64);
        builder.Property(key => key.Algorithm).HasMaxLength(16);
        builder.HasIndex(key => key.CreatedAt);
    }
}

internal sealed class JwtBearerTrustEntityTypeConfiguration : IEntityTypeConfiguration<JwtBearerTrust>
{
    public void Configure(EntityTypeBuilder<JwtBearerTrust> builder)
    {
        builder.ToTable("oauth2_jwt_bearer_trusts");
        builder.HasKey(trust => trust.Id);
        builder.Property(trust => trust.Issuer).HasMaxLength(JwtBearerTrust.MaxIssuerLength);
        builder.Property(trust => trust.Subject).HasMaxLength(JwtBearerTrust.MaxSubjectLength);
        builder.Property(trust => trust.KeyId).HasMaxLength(JwtBearerTrust.MaxKeyIdLength);
        // One trust per issuer, subject and key, as an assertion names them.
        builder.HasIndex(trust => new { trust.Issuer, trust.Subject, trust.KeyId }).IsUnique();
    }
}

internal sealed class OAuthFlowEntityTypeConfiguration : IEntityTypeConfiguration<OAuthFlow>
{
    public void Configure(EntityTypeBuilder<OAuthFlow> builder)
    {
        builder.ToTable("oauth2_flows");
        builder.HasKey(flow => flow.Id);
        builder.Property(flow => flow.Id).HasMaxLength(64);
        builder.Property(flow => flow.ClientId).HasMaxLength(400);
        builder.Property(flow => flow.Subject).HasMaxLength(400);
        builder.Property(flow => flow.SessionId).HasMaxLength(64);
        builder.Property(flow => flow.AuthorizationId).HasMaxLength(100);
        builder.Property(flow => flow.Version).IsConcurrencyToken();
        builder.HasIndex(flow => new { flow.Subject, flow.ClientId, flow.ConsentRemembered });
        builder.HasIndex(flow => flow.AuthorizationId);
    }
}

internal sealed class LoginSessionEntityTypeConfiguration : IEntityTypeConfiguration<LoginSession>
{
    public void Configure(EntityTypeBuilder<LoginSession> builder)
    {
        builder.ToTable("oauth2_login_sessions");
        builder.HasKey(session => session.Id);
        builder.Property(session => session.Id).HasMaxLength(64);
        builder.Property(session => session.Subject).HasMaxLength(400);
        builder.HasIndex(session => session.Subject);
    }
}

internal sealed class LogoutRequestEntityTypeConfiguration : IEntityTypeConfiguration<LogoutRequest>
{
    public void Configure(EntityTypeBuilder<LogoutRequest> builder)
    {
        builder.ToTable("oauth2_logout_requests");
        builder.HasKey(request => request.Id);
        builder.Property(request => request.Id).HasMaxLength(64);
        builder.Property(request => request.VerifierHash).HasMaxLength(64);
        builder.Property(request => request.Subject).HasMaxLength(400);
        builder.Property(request => request.SessionId).HasMaxLength(64);
        builder.Property(request => request.ClientId).HasMaxLength(400);
        builder.Property(request => request.Version).IsConcurrencyToken();
        builder.HasIndex(request => request.VerifierHash).IsUnique();
    }
}
