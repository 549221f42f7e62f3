using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Glint.Auth.OAuth2.Dpop;

/// <summary>A DPoP proof that passed every check: the key's RFC 7638 thumbprint, and what replay protection needs.</summary>
public sealed record DpopProof(string Thumbprint, string Jti, DateTimeOffset IssuedAt);

/// <summary>Why a proof was refused, as RFC 9449 names it: <c>invalid_dpop_proof</c>, or <c>use_dpop_nonce</c> (§8).</summary>
public sealed record DpopRefusal(string Error, string Description);

/// <summary>
/// Validates DPoP proofs (RFC 9449 §4.3) with the identity model library: a <c>dpop+jwt</c>, signed with an asymmetric
/// algorithm by the public key in its own <c>jwk</c> header, for this request's method and URL, issued within
/// <see cref="Window"/> of now, with a <c>jti</c>, the access token's hash (<c>ath</c>) when one is presented, and a
/// fresh server nonce when nonces are required. Single use of the <c>jti</c> is left to the caller (the token endpoint
/// records it in the database, resource endpoints on the node).
/// </summary>
public sealed class DpopProofs(DpopNonces nonces, AuthSettings settings, TimeProvider time)
{
    public const string HeaderName = "DPoP";
    public const string NonceHeaderName = "DPoP-Nonce";
    public const string Scheme = "DPoP";
    public const string InvalidProof = "invalid_dpop_proof";
    public const string UseNonce = "use_dpop_nonce";
    public const string ProofType = "dpop+jwt";

    /// <summary>How old a proof's <c>iat</c> may be; its <c>jti</c> is remembered that long (and <see cref="Skew"/>).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead of the server's clock a client's <c>iat</c> may be.</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);

    /// <summary>The algorithms a proof may be signed with (asymmetric only, RFC 9449 §4.3).</summary>
    public static readonly string[] SigningAlgorithms =
        ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512"];

    private const int MaxProofLength = 8 * 1024;
    private const int MaxJtiLength = 256;

    // The members that make a JWK private (RFC 7517, RFC 7518 §6): a proof must carry the public key only.
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    private static readonly JsonWebTokenHandler Handler = new();

    public bool NoncesRequired => settings.DpopNoncesRequired;

    /// <summary>The nonce to send now in <c>DPoP-Nonce</c>.</summary>
    public string CurrentNonce() => nonces.Current();

    /// <summary>The public URL of an endpoint, as a proof's <c>htu</c> must name it.</summary>
    public Uri EndpointUrl(string path) => new(settings.PublicBase, path.TrimStart('/'));

    /// <summary>
    /// Checks <paramref name="proof"/> for a request with <paramref name="method"/> to <paramref name="target"/>; with
    /// <paramref name="accessToken"/> (resource requests) the proof must carry its <c>ath</c>, without it (the token
    /// endpoint) it must not.
    /// </summary>
    public async Task<(DpopProof? Proof, DpopRefusal? Refusal)> ValidateAsync(string proof, string method, Uri target, string? accessToken)
    {
        if (proof.Length > MaxProofLength)
        {
            return Refuse($"The DPoP proof must be a JWT of at most {MaxProofLength} characters.");
        }

        if (UnverifiedJwt.Read(proof) is not { } jwt)
        {
            return Refuse("The DPoP header must hold one signed JWT (a DPoP proof).");
        }

        if (UnverifiedJwt.HasCriticalExtensions(jwt))
        {
            return Refuse("The DPoP proof's header must not have crit: this server understands no JWS extensions.");
        }

        if (!string.Equals(jwt.Typ, ProofType, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse($"The DPoP proof's typ must be '{ProofType}'.");
        }

        if (!SigningAlgorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return Refuse($"The DPoP proof's alg must be one of {string.Join(", ", SigningAlgorithms)}.");
        }

        if (PublicKeyOf(jwt) is not { } key)
        {
            return Refuse("The DPoP proof's header must carry the public key that signed it as jwk, without private members.");
        }

        var validation = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = true,
            ValidAlgorithms = SigningAlgorithms,
            ValidTypes = [ProofType],
            ValidateAudience = false,
            ValidateIssuer = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
        });
        if (!validation.IsValid)
        {
            return Refuse("The DPoP proof's signature does not verify with its jwk.");
        }

        if (!jwt.TryGetPayloadValue<string>("htm", out var htm) || htm != method)
        {
            return Refuse($"The DPoP proof's htm must be the request's method, {method}.");
        }

        if (!jwt.TryGetPayloadValue<string>("htu", out var htu) || !SameTarget(htu, target))
        {
            return Refuse($"The DPoP proof's htu must be the request's URL, {Normalised(target)}, without query or fragment.");
        }

        if (!jwt.TryGetPayloadValue<string>("jti", out var jti) || jti is not { Length: > 0 and <= MaxJtiLength })
        {
            return Refuse($"The DPoP proof must have a jti of 1 to {MaxJtiLength} characters.");
        }

        var now = time.GetUtcNow();
        if (!jwt.TryGetPayloadValue<long>("iat", out var iat) ||
            DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iat, 0, 253402300799)) is var issuedAt && (issuedAt < now - Window || issuedAt > now + Skew))
        {
            return Refuse($"The DPoP proof's iat must be the time it was made: within {Window.TotalMinutes:0} minutes of the server's clock.");
        }

        var hasAth = jwt.TryGetPayloadValue<string>("ath", out var ath);
        if (accessToken is null && hasAth)
        {
            return Refuse("The DPoP proof sent to the token endpoint must not carry ath.");
        }

        if (accessToken is not null && (!hasAth || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ath ?? ""), Encoding.ASCII.GetBytes(HashOf(accessToken)))))
        {
            return Refuse("The DPoP proof's ath must be the base64url SHA-256 hash of the access token it is sent with.");
        }

        if (settings.DpopNoncesRequired)
        {
            jwt.TryGetPayloadValue<string>("nonce", out var nonce);
            if (!nonces.IsFresh(nonce))
            {
                return (null, new DpopRefusal(UseNonce,
                    string.IsNullOrEmpty(nonce)
                        ? "This server requires a nonce in DPoP proofs: make the proof again with the nonce from the DPoP-Nonce header."
                        : "The DPoP proof's nonce is stale or unknown: make the proof again with the nonce from the DPoP-Nonce header."));
            }
        }

        return (new DpopProof(Thumbprint(key), jti, issuedAt), null);
    }

    /// <summary>The RFC 7638 thumbprint of a key, base64url, as <c>cnf.jkt</c> and <c>dpop_jkt</c> carry it.</summary>
    public static string Thumbprint(JsonWebKey key) => Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());

    /// <summary>The <c>ath</c> of an access token: the base64url SHA-256 of its ASCII form.</summary>
    public static string HashOf(string accessToken) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    /// <summary>True when <paramref name="value"/> has the shape of a SHA-256 thumbprint: 43 base64url characters.</summary>
    public static bool IsThumbprint(string? value) =>
        value is { Length: 43 } && value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static JsonWebKey? PublicKeyOf(JsonWebToken jwt)
    {
        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedHeader));
            if (!header.RootElement.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object ||
                PrivateMembers.Any(member => jwk.TryGetProperty(member, out _)))
            {
                return null;
            }

            var key = new JsonWebKey(jwk.GetRawText());
            return key.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA ? key : null;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private static bool SameTarget(string htu, Uri target) =>
        Uri.TryCreate(htu, UriKind.Absolute, out var claimed) && string.Equals(Normalised(claimed), Normalised(target), StringComparison.Ordinal);

    // Scheme and host lower-cased, the default port left out, the path as escaped; no query, no fragment (RFC 9449 §4.3).
    private static string Normalised(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    private static (DpopProof?, DpopRefusal?) Refuse(string description) => (null, new DpopRefusal(InvalidProof, description));
}
