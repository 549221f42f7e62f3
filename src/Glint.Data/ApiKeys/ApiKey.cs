namespace Glint.Data.ApiKeys;

/// <summary>A user's API key for scripts and merchant tools (<c>X-API-KEY</c>). Only the SHA-256 of the secret is stored.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>SHA-256 of the whole secret: 256 bits of CSPRNG output need no slow hash, and lookup stays one index probe.</summary>
    public required byte[] KeyHash { get; set; }

    /// <summary>Space-separated: <c>read</c>, <c>write</c>, <c>receive</c>.</summary>
    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
