using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Glint.Data.Users;

internal sealed class UserEntityTypeConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.Property(user => user.Email).HasMaxLength(320);
        builder.Property(user => user.Phone).HasMaxLength(32);
        builder.Property(user => user.Language).HasMaxLength(35);
        builder.Property(user => user.Status).HasMaxLength(16);
        builder.Property(user => user.TotpSecret).HasMaxLength(128);
        builder.HasIndex(user => user.Email).IsUnique();
        builder.HasIndex(user => user.Phone).IsUnique();
    }
}

internal sealed class LoginCodeEntityTypeConfiguration : IEntityTypeConfiguration<LoginCode>
{
    public void Configure(EntityTypeBuilder<LoginCode> builder)
    {
        builder.ToTable("login_codes");
        builder.Property(code => code.Id).HasMaxLength(64);
        builder.Property(code => code.Email).HasMaxLength(320);
        builder.Property(code => code.CodeHash).HasMaxLength(32);
        builder.Property(code => code.Challenge).HasMaxLength(64);
        builder.Property(code => code.IpAddress).HasMaxLength(64);
        builder.Property(code => code.Version).IsConcurrencyToken();
        builder.HasIndex(code => new { code.Email, code.CreatedAt });
        builder.HasIndex(code => new { code.IpAddress, code.CreatedAt });
    }
}

internal sealed class LoginFailureEntityTypeConfiguration : IEntityTypeConfiguration<LoginFailure>
{
    public void Configure(EntityTypeBuilder<LoginFailure> builder)
    {
        builder.ToTable("login_failures");
        builder.Property(failure => failure.Identifier).HasMaxLength(320);
        builder.Property(failure => failure.IpAddress).HasMaxLength(64);
        builder.HasIndex(failure => new { failure.Identifier, failure.At });
        builder.HasIndex(failure => new { failure.IpAddress, failure.At });
    }
}

internal sealed class OutboxMessageEntityTypeConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("dev_outbox");
        builder.Property(message => message.To).HasMaxLength(320);
        builder.Property(message => message.Subject).HasMaxLength(256);
        builder.HasIndex(message => message.To);
    }
}

internal sealed class SessionTokenEntityTypeConfiguration : IEntityTypeConfiguration<SessionToken>
{
    public void Configure(EntityTypeBuilder<SessionToken> builder)
    {
        builder.ToTable("session_tokens");
        builder.Property(token => token.TokenHash).HasMaxLength(32);
        builder.Property(token => token.PendingAttemptId).HasMaxLength(64);
        builder.HasIndex(token => token.TokenHash).IsUnique();
        builder.HasIndex(token => token.UserId);
    }
}
