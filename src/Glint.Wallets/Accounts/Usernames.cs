using System.Text.RegularExpressions;

namespace Glint.Wallets.Accounts;

/// <summary>
/// Blink's username rules: 3 to 50 of <c>a-z 0-9 _</c>, case-insensitive, and not starting like a Bitcoin address
/// or a Lightning invoice (<c>1</c>, <c>3</c>, <c>bc1</c>, <c>lnbc1</c>), so a username is never mistaken for one.
/// </summary>
public static partial class Usernames
{
    public static bool IsValid(string? username) => username is not null && Pattern().IsMatch(username);

    public static string Key(string username) => username.ToLowerInvariant();

    [GeneratedRegex("^(?!(1|3|bc1|lnbc1))[0-9a-z_]{3,50}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
