using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Glint.Auth.OAuth2;

/// <summary>
/// Opaque tokens carry a type prefix so that secret scanners and people can recognise a leaked Glint token.
/// The prefix is not part of the stored reference, which is hashed at rest by OpenIddict.
/// </summary>
public static class TokenPrefix
{
    public const string AccessToken = "glint_at_";
    public const string RefreshToken = "glint_rt_";
    public const string AuthorizationCode = "glint_ac_";

    public static string? For(string? tokenType) => tokenType switch
    {
        TokenTypeIdentifiers.AccessToken => AccessToken,
        TokenTypeIdentifiers.RefreshToken => RefreshToken,
        TokenTypeIdentifiers.Private.AuthorizationCode => AuthorizationCode,
        _ => null,
    };

    /// <summary>
    /// The stored reference under a prefixed token. A bare prefix is left whole: stripped, it would be an empty
    /// reference, which the token store refuses to look up at all; whole, it is an unknown token like any other.
    /// </summary>
    public static string Strip(string token)
    {
        foreach (var prefix in (ReadOnlySpan<string>)[AccessToken, RefreshToken, AuthorizationCode])
        {
            if (token.Length > prefix.Length && token.StartsWith(prefix, StringComparison.Ordinal))
            {
                return token[prefix.Length..];
            }
        }

        return token;
    }
}
