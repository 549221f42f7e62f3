using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Auth.JwtBearer;

/// <summary>The admin API's body to trust an issuer, as Hydra's <c>trustOAuth2JwtGrantIssuer</c>.</summary>
public sealed class TrustRequest
{
    [JsonPropertyName("issuer")] public string? Issuer { get; set; }

    [JsonPropertyName("subject")] public string? Subject { get; set; }

    [JsonPropertyName("allow_any_subject")] public bool AllowAnySubject { get; set; }

    [JsonPropertyName("scope")] public List<string>? Scope { get; set; }

    [JsonPropertyName("jwk")] public JsonElement? Jwk { get; set; }

    [JsonPropertyName("expires_at")] public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>A trust as the admin API answers it: Hydra's <c>trustedOAuth2JwtGrantIssuer</c>.</summary>
public sealed record TrustedIssuer(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("allow_any_subject")] bool AllowAnySubject,
    [property: JsonPropertyName("scope")] IReadOnlyList<string> Scope,
    [property: JsonPropertyName("public_key")] TrustedKey PublicKey,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt)
{
    public static TrustedIssuer Of(JwtBearerTrust trust) => new(
        trust.Id, trust.Issuer, trust.Subject, trust.AllowAnySubject,
        trust.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries), new TrustedKey(trust.Issuer, trust.KeyId),
        trust.CreatedAt, trust.ExpiresAt);
}

/// <summary>Which key a trust verifies with: Hydra keeps it in a key set named after the issuer.</summary>
public sealed record TrustedKey([property: JsonPropertyName("set")] string Set, [property: JsonPropertyName("kid")] string KeyId);

/// <summary>
/// Checks a <see cref="TrustRequest"/> as Hydra does (the same errors, in the same order), then what Hydra leaves to
/// chance: the key must be an RSA (2048 bits or more) or elliptic-curve public key that can verify signatures, and no
/// field may hold a control character or more than its column. Only the key's public members are kept: a private key
/// sent by mistake is not stored.
/// </summary>
public static class TrustValidator
{
    public const int MaxScopes = 256;
    private const int MaxScopeLength = 256;
    private const int MinRsaBits = 2048;

    private const string MissingDescription = "One of the required parameters is missing. Check your request parameters.";

    public static (JwtBearerTrust? Trust, IResult? Error) Validate(TrustRequest request, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(request.Issuer))
        {
            return Missing("Field 'issuer' is required.");
        }

        if (string.IsNullOrEmpty(request.Subject) && !request.AllowAnySubject)
        {
            return Missing("One of 'subject' or 'allow_any_subject' field must be set.");
        }

        if (!string.IsNullOrEmpty(request.Subject) && request.AllowAnySubject)
        {
            return Missing("Both 'subject' and 'allow_any_subject' fields cannot be set at the same time.");
        }

        if (request.ExpiresAt is not { } expires || expires == default)
        {
            return Missing("Field 'expires_at' is required.");
        }

        var key = ReadKey(request.Jwk);
        if (key is { KeyId: null or "" })
        {
            return Missing("Field 'jwk' must contain JWK with kid header.");
        }

        var problem = Text("issuer", request.Issuer, JwtBearerTrust.MaxIssuerLength)
            ?? Text("subject", request.Subject, JwtBearerTrust.MaxSubjectLength)
            ?? Scopes(request.Scope)
            ?? (key is null ? "Field 'jwk' must be a JSON Web Key." : Text("jwk.kid", key.KeyId, JwtBearerTrust.MaxKeyIdLength) ?? Usable(key));
        if (problem is not null)
        {
            return (null, HydraError.Malformed(problem));
        }

        return (new JwtBearerTrust
        {
            Id = Guid.NewGuid(),
            Issuer = request.Issuer,
            Subject = request.Subject ?? "",
            AllowAnySubject = request.AllowAnySubject,
            Scope = string.Join(' ', request.Scope ?? []),
            KeyId = key!.KeyId,
            PublicKey = PublicMembers(key),
            CreatedAt = ToSecond(now),
            ExpiresAt = ToSecond(expires),
        }, null);
    }

    /// <summary>The stored key, as the signature check needs it.</summary>
    public static JsonWebKey KeyOf(JwtBearerTrust trust) => JsonWebKey.Create(trust.PublicKey);

    private static JsonWebKey? ReadKey(JsonElement? jwk)
    {
        if (jwk is not { ValueKind: JsonValueKind.Object } value)
        {
            return null;
        }

        try
        {
            return JsonWebKey.Create(value.GetRawText());
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Why the key cannot verify an assertion, or null when it can.</summary>
    private static string? Usable(JsonWebKey key)
    {
        try
        {
            switch (key.Kty)
            {
                case JsonWebAlgorithmsKeyTypes.RSA when !string.IsNullOrEmpty(key.N) && !string.IsNullOrEmpty(key.E):
                    using (var rsa = RSA.Create(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(key.N), Exponent = Base64UrlEncoder.DecodeBytes(key.E) }))
                    {
                        return rsa.KeySize < MinRsaBits ? $"Field 'jwk' must be an RSA key of at least {MinRsaBits} bits." : null;
                    }

                case JsonWebAlgorithmsKeyTypes.EllipticCurve when Curve(key.Crv) is { } curve && !string.IsNullOrEmpty(key.X) && !string.IsNullOrEmpty(key.Y):
                    using (var ec = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(key.X), Y = Base64UrlEncoder.DecodeBytes(key.Y) } }))
                    {
                        return null;
                    }

                default:
                    return "Field 'jwk' must be an RSA public key (kty RSA with n and e) or an elliptic-curve public key (kty EC, crv P-256, P-384 or P-521, with x and y).";
            }
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException or ArgumentException)
        {
            return "Field 'jwk' must hold a valid public key.";
        }
    }

    private static ECCurve? Curve(string? name) => name switch
    {
        JsonWebKeyECTypes.P256 => ECCurve.NamedCurves.nistP256,
        JsonWebKeyECTypes.P384 => ECCurve.NamedCurves.nistP384,
        JsonWebKeyECTypes.P521 => ECCurve.NamedCurves.nistP521,
        _ => null,
    };

    private static string PublicMembers(JsonWebKey key)
    {
        var members = new Dictionary<string, string> { ["kty"] = key.Kty, ["kid"] = key.KeyId };
        if (!string.IsNullOrEmpty(key.Alg))
        {
            members["alg"] = key.Alg;
        }

        if (key.Kty == JsonWebAlgorithmsKeyTypes.RSA)
        {
            members["n"] = key.N;
            members["e"] = key.E;
        }
        else
        {
            members["crv"] = key.Crv;
            members["x"] = key.X;
            members["y"] = key.Y;
        }

        return JsonSerializer.Serialize(members);
    }

    private static string? Scopes(List<string>? scopes)
    {
        if (scopes is null)
        {
            return null;
        }

        if (scopes.Count > MaxScopes)
        {
            return $"Field 'scope' must list at most {MaxScopes} scopes.";
        }

        return scopes.Any(scope => string.IsNullOrEmpty(scope) || scope.Length > MaxScopeLength || scope.Any(c => c == ' ' || char.IsControl(c)))
            ? $"Field 'scope' must list scopes of 1 to {MaxScopeLength} characters, without spaces or control characters."
            : null;
    }

    private static string? Text(string field, string? value, int maxLength) =>
        value is null ? null
        : value.Length > maxLength ? $"Field '{field}' must be at most {maxLength} characters."
        : value.Any(char.IsControl) ? $"Field '{field}' must not contain control characters."
        : null;

    // Whole seconds, as Hydra keeps them; down rather than to the nearest, which could overflow the last representable date.
    private static DateTimeOffset ToSecond(DateTimeOffset value) =>
        new(value.UtcTicks - value.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static (JwtBearerTrust?, IResult?) Missing(string hint) =>
        (null, HydraError.Result(StatusCodes.Status400BadRequest, "missing_required_parameter", MissingDescription + " " + hint));
}
