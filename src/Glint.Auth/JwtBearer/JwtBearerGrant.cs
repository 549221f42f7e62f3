using System.Security.Claims;
using Glint.Auth.Clients;
using Glint.Auth.OAuth2;
using Glint.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.JwtBearer;

/// <summary>
/// The JWT-bearer grant (RFC 7523 §2.1) as Hydra offers it: a client that has the grant trades an assertion, signed by
/// an issuer the operator trusts (<see cref="TrustAdminApi"/>), for an access token whose subject is the assertion's.
/// The assertion must name Glint's token endpoint (or issuer) as its audience, carry <c>exp</c>, <c>iat</c> and
/// <c>jti</c>, live at most <see cref="MaxLifetime"/>, and works once; each requested scope must be one the trust
/// allows. No refresh or ID token is issued.
/// </summary>
public sealed class JwtBearerGrant(GlintDbContext db, AuthSettings settings, TimeProvider time)
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /// <summary>Hydra's <c>oauth2.grant.jwt.max_ttl</c> default: how far from its <c>iat</c> an assertion may expire.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(720);

    /// <summary>How far ahead of Glint's clock an issuer's may run.</summary>
    private static readonly TimeSpan ClockLeeway = TimeSpan.FromMinutes(5);

    /// <summary>Hydra's bound on the keys tried for an assertion without <c>kid</c>.</summary>
    private const int MaxKeysTried = 100;

    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    public sealed record Outcome(ClaimsPrincipal? Principal, string? Error, string? Description)
    {
        public static Outcome Refused(string error, string description) => new(null, error, description);
    }

    public async Task<Outcome> RedeemAsync(OpenIddictRequest request, ClientMetadata client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        if ((string?)request.Assertion is not { Length: > 0 } text)
        {
            return Outcome.Refused(Errors.InvalidRequest, $"The assertion request parameter must be set when using grant_type of '{GrantType}'.");
        }

        if (Claims(text) is not { } assertion)
        {
            return Invalid("Unable to parse JSON Web Token passed in 'assertion' request parameter: it must be a signed JWT (JWS) whose claims have their registered types.");
        }

        if (string.IsNullOrEmpty(assertion.Issuer))
        {
            return Invalid("The JWT in 'assertion' request parameter MUST contain an 'iss' (issuer) claim.");
        }

        if (string.IsNullOrEmpty(assertion.Subject))
        {
            return Invalid("The JWT in 'assertion' request parameter MUST contain a 'sub' (subject) claim.");
        }

        var noKey = Invalid($"No public JWK was registered for issuer '{assertion.Issuer}' and subject '{assertion.Subject}', and public key is required to check signature of JWT in 'assertion' request parameter.");
        if (!CouldBeTrusted(assertion))
        {
            // No trust can name it, and a token could not carry it: answered before the database is asked.
            return noKey;
        }

        var now = time.GetUtcNow();
        var matching = db.JwtBearerTrusts.AsNoTracking()
            .Where(t => t.Issuer == assertion.Issuer && (t.Subject == assertion.Subject || t.AllowAnySubject) && t.ExpiresAt > now);
        if (assertion.KeyId is { } keyId)
        {
            matching = matching.Where(t => t.KeyId == keyId);
        }

        var trusts = await matching.OrderByDescending(t => t.CreatedAt).Take(MaxKeysTried).ToListAsync(cancellationToken);
        if (trusts.Count == 0)
        {
            return noKey;
        }

        Data.OAuth.JwtBearerTrust? trust = null;
        foreach (var candidate in trusts)
        {
            if (await VerifiesAsync(text, candidate))
            {
                trust = candidate;
                break;
            }
        }

        if (trust is null)
        {
            // With a kid the key was found, and the signature is wrong; without one, no trusted key signed it.
            return assertion.KeyId is null ? noKey : Invalid("Unable to verify the integrity of the 'assertion' value.");
        }

        if (ClaimsProblem(assertion, now) is { } problem)
        {
            return Invalid(problem);
        }

        var allowed = ScopeStrategy.Split(trust.Scope);
        if (request.GetScopes().FirstOrDefault(scope => !ScopeStrategy.Allows(allowed, scope)) is { } refused)
        {
            return Outcome.Refused(Errors.InvalidScope,
                $"The public key registered for issuer '{assertion.Issuer}' and subject '{assertion.Subject}' is not allowed to request scope '{refused}'.");
        }

        var spent = await SpentAssertions.SpendAsync(db, "jwt_bearer_jti", assertion.Issuer, assertion.JwtId!, null, assertion.Subject, assertion.Expires!.Value, time, cancellationToken);
        return spent switch
        {
            SpentAssertions.Outcome.Replayed => Invalid($"The JWT ID '{assertion.JwtId}' of the 'assertion' has already been used; every assertion must have a new jti."),
            SpentAssertions.Outcome.NotRecorded => Outcome.Refused(Errors.ServerError, "The assertion could not be recorded, so it was not accepted. Try again later."),
            _ => new Outcome(Principal(request, client, assertion), null, null),
        };
    }

    private static bool CouldBeTrusted(AssertionClaims assertion) =>
        Storable(assertion.Issuer!, Data.OAuth.JwtBearerTrust.MaxIssuerLength) &&
        Storable(assertion.Subject!, Data.OAuth.JwtBearerTrust.MaxSubjectLength) &&
        (assertion.KeyId is null || Storable(assertion.KeyId, Data.OAuth.JwtBearerTrust.MaxKeyIdLength));

    private static bool Storable(string value, int maxLength) => value.Length <= maxLength && !value.Any(char.IsControl);

    /// <summary>Hydra's order of checks on the verified claims; the first one broken, or null.</summary>
    private string? ClaimsProblem(AssertionClaims assertion, DateTimeOffset now)
    {
        var tokenUrl = new Uri(settings.PublicBase, TokenApi.Path.TrimStart('/')).AbsoluteUri;
        if (assertion.Audiences.Count == 0)
        {
            return "The JWT in 'assertion' request parameter MUST contain an 'aud' (audience) claim.";
        }

        string[] intended = [tokenUrl, settings.IssuerIdentifier, settings.Issuer.AbsoluteUri, settings.Issuer.AbsoluteUri.TrimEnd('/')];
        if (!assertion.Audiences.Intersect(intended, StringComparer.Ordinal).Any())
        {
            return $"The JWT in 'assertion' request parameter MUST contain an 'aud' (audience) claim containing a value '{tokenUrl}' that identifies the authorization server as an intended audience.";
        }

        if (assertion.Expires is not { } expires)
        {
            return "The JWT in 'assertion' request parameter MUST contain an 'exp' (expiration time) claim.";
        }

        if (expires < now)
        {
            return "The JWT in 'assertion' request parameter expired.";
        }

        if (assertion.NotBefore is { } notBefore && notBefore >= now)
        {
            return $"The JWT in 'assertion' request parameter contains an 'nbf' (not before) claim, that identifies the time '{notBefore:yyyy-MM-dd'T'HH:mm:ss'Z'}' before which the token MUST NOT be accepted.";
        }

        if (assertion.IssuedAt is not { } issued)
        {
            return "The JWT in 'assertion' request parameter MUST contain an 'iat' (issued at) claim.";
        }

        if (issued > now + ClockLeeway)
        {
            // Hydra lets this pass, and with it an assertion valid for as long as exp is ahead of iat; no issuer's clock is that far off.
            return $"The JWT in 'assertion' request parameter contains an 'iat' (issued at) claim with value '{issued:yyyy-MM-dd'T'HH:mm:ss'Z'}' that is in the future.";
        }

        if (expires - issued > MaxLifetime)
        {
            return $"The JWT in 'assertion' request parameter contains an 'exp' (expiration time) claim with value '{expires:yyyy-MM-dd'T'HH:mm:ss'Z'}' that is unreasonably far in the future, considering token issued at '{issued:yyyy-MM-dd'T'HH:mm:ss'Z'}'.";
        }

        return string.IsNullOrEmpty(assertion.JwtId) ? "The JWT in 'assertion' request parameter MUST contain an 'jti' (JWT ID) claim." : null;
    }

    /// <summary>Hydra's token for the grant: the assertion's subject, the requested scopes, the assertion's audiences.</summary>
    private static ClaimsPrincipal Principal(OpenIddictRequest request, ClientMetadata client, AssertionClaims assertion)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, OpenIddictConstants.Claims.Name, OpenIddictConstants.Claims.Role);
        identity.SetClaim(OpenIddictConstants.Claims.Subject, assertion.Subject);
        identity.SetScopes(request.GetScopes());
        // Requested audiences the client registered join them, as in Hydra; others are left out, not refused.
        identity.SetAudiences(assertion.Audiences.Union(
            GlintServerHandlers.Exchange.RequestedAudiences(request).Where(audience => ClientGrant.FirstDisallowedAudience(client, [audience]) is null),
            StringComparer.Ordinal));
        var principal = new ClaimsPrincipal(identity);
        if (client.JwtBearerGrantAccessTokenLifespan is { } lifespan && GoDuration.TryParse(lifespan, out var lifetime))
        {
            principal.SetAccessTokenLifetime(lifetime);
        }

        return principal;
    }

    private static async Task<bool> VerifiesAsync(string assertion, Data.OAuth.JwtBearerTrust trust)
    {
        var result = await Tokens.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKey = TrustValidator.KeyOf(trust),
            ValidAlgorithms = GlintServerHandlers.ClientAssertions.SigningAlgorithms,
            RequireSignedTokens = true,
            // The claims are checked afterwards, in Hydra's order and with its errors.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });
        return result.IsValid;
    }

    /// <summary>The claims of a signed JWT, unverified, or null when it is not one or its claims have the wrong types.</summary>
    private static AssertionClaims? Claims(string text)
    {
        if (UnverifiedJwt.Read(text) is not { IsEncrypted: false } jwt || UnverifiedJwt.HasCriticalExtensions(jwt) || UnverifiedJwt.UnrepresentableDate(jwt) is not null)
        {
            return null;
        }

        try
        {
            return new AssertionClaims(
                jwt.TryGetPayloadValue<string>("iss", out var issuer) ? issuer : null,
                jwt.TryGetPayloadValue<string>("sub", out var subject) ? subject : null,
                [.. jwt.Audiences],
                jwt.TryGetPayloadValue<string>("jti", out var jwtId) ? jwtId : null,
                jwt.TryGetHeaderValue<string>("kid", out var keyId) && keyId.Length > 0 ? keyId : null,
                NumericDate(jwt, "exp"), NumericDate(jwt, "nbf"), NumericDate(jwt, "iat"));
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A NumericDate, in whole seconds as the library reads it; one no date holds was refused before.</summary>
    private static DateTimeOffset? NumericDate(JsonWebToken jwt, string claim) =>
        jwt.TryGetPayloadValue<long>(claim, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private static Outcome Invalid(string description) => Outcome.Refused(Errors.InvalidGrant, description);

    private sealed record AssertionClaims(
        string? Issuer, string? Subject, IReadOnlyList<string> Audiences, string? JwtId, string? KeyId,
        DateTimeOffset? Expires, DateTimeOffset? NotBefore, DateTimeOffset? IssuedAt);
}
