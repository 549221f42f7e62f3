namespace Glint.Data.OAuth;

/// <summary>
/// An issuer trusted to sign the assertions of the JWT-bearer grant (RFC 7523 §2.1) for one subject, or for any:
/// the public key its assertions are verified with and the scopes a token from them may carry, until it expires.
/// </summary>
public sealed class JwtBearerTrust
{
    public const int MaxIssuerLength = 512;
    /// <summary>The token table's subject column: a token issued for the subject must fit it.</summary>
    public const int MaxSubjectLength = 400;
    public const int MaxKeyIdLength = 256;

    public Guid Id { get; set; }

    public required string Issuer { get; set; }

    /// <summary>The subject assertions must name; empty when <see cref="AllowAnySubject"/>.</summary>
    public required string Subject { get; set; }

    public bool AllowAnySubject { get; set; }

    /// <summary>The scopes a token may be granted, space-separated.</summary>
    public required string Scope { get; set; }

    public required string KeyId { get; set; }

    /// <summary>The public JSON Web Key, as JSON, with only its public members.</summary>
    public required string PublicKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
