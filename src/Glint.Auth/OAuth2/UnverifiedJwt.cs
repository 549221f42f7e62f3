using Microsoft.IdentityModel.JsonWebTokens;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Reads a JWT a client sent, before anything is verified, to learn whose keys verify it or why it was refused. The
/// identity model library refuses malformed input with more than one exception type: a malformed JWS is an
/// <see cref="ArgumentException"/>, while a five-segment (JWE-shaped) token whose segments are not base64url is a
/// <see cref="FormatException"/>. Either is the client's mistake, never the server's.
/// </summary>
public static class UnverifiedJwt
{
    /// <summary>The token's parts as sent, or null when <paramref name="text"/> is not a JWS or JWE at all.</summary>
    public static JsonWebToken? Read(string text)
    {
        try
        {
            return new JsonWebToken(text);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the JOSE header has <c>crit</c>. RFC 7515 §4.1.11: a JWS whose <c>crit</c> names an extension the
    /// recipient does not understand is invalid. Glint understands none, and an empty or malformed <c>crit</c> is
    /// forbidden to producers, so any <c>crit</c> refuses the token.
    /// </summary>
    public static bool HasCriticalExtensions(JsonWebToken jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        return jwt.TryGetHeaderValue<object>("crit", out _);
    }

    // A day inside DateTimeOffset's range at either end: OpenIddict turns exp and iat into dates and adds its clock
    // skew to them, and either step throws beyond the range (year 1 to 9999).
    private static readonly long EarliestDate = DateTimeOffset.MinValue.AddDays(1).ToUnixTimeSeconds();
    private static readonly long LatestDate = DateTimeOffset.MaxValue.AddDays(-1).ToUnixTimeSeconds();

    /// <summary>
    /// The first of <c>exp</c>, <c>iat</c> and <c>nbf</c> that is a number no date can hold, or null. The library reads
    /// these three claims as whole seconds (a number beyond a 64-bit integer already makes the token unreadable).
    /// </summary>
    public static string? UnrepresentableDate(JsonWebToken jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        foreach (var claim in (ReadOnlySpan<string>)["exp", "iat", "nbf"])
        {
            if (jwt.TryGetPayloadValue<long>(claim, out var seconds) && (seconds < EarliestDate || seconds > LatestDate))
            {
                return claim;
            }
        }

        return null;
    }
}
