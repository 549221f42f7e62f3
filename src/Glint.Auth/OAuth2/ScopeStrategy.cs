namespace Glint.Auth.OAuth2;

/// <summary>
/// Hydra's default "wildcard" scope strategy: scopes are dot-separated; <c>*</c> matches one segment, and a
/// trailing <c>*</c> also matches every segment after it. <c>foo</c> grants only <c>foo</c>.
/// </summary>
public static class ScopeStrategy
{
    /// <summary>The scopes clients may request, as discovery announces them: OpenID's, both names of the refresh scope, and the wallet API's.</summary>
    public static readonly string[] Requestable = ["openid", "offline", "offline_access", "email", "profile", "read", "write", "receive"];

    public static bool Allows(IEnumerable<string> granted, string needle)
    {
        foreach (var matcher in granted)
        {
            if (Matches(matcher, needle))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Matches(string matcher, string needle)
    {
        if (matcher == needle)
        {
            return true;
        }

        var matcherParts = matcher.Split('.');
        var needleParts = needle.Split('.');
        if (matcherParts.Length > needleParts.Length)
        {
            return false;
        }

        for (var i = 0; i < matcherParts.Length; i++)
        {
            var last = i == matcherParts.Length - 1;
            if (matcherParts[i] == "*" && needleParts[i].Length > 0)
            {
                if (last)
                {
                    return true;
                }

                continue;
            }

            if (matcherParts[i] != needleParts[i])
            {
                return false;
            }
        }

        return matcherParts.Length == needleParts.Length;
    }

    public static string[] Split(string? scope) =>
        string.IsNullOrWhiteSpace(scope) ? [] : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
