namespace Glint.Login.Web;

/// <summary>What each scope lets an app do, in the words the consent page shows; unknown scopes show their raw name.</summary>
public static class ScopeDescriptions
{
    private static readonly Dictionary<string, (string Title, string Detail)> Known = new(StringComparer.Ordinal)
    {
        ["read"] = ("View your wallet", "See your account, balances and transaction history"),
        ["write"] = ("Spend and manage", "Send payments and change your account settings"),
        ["receive"] = ("Receive payments", "Create invoices and addresses to receive payments"),
        ["offline"] = ("Stay connected", "Stay connected when you are not using the app"),
        ["offline_access"] = ("Stay connected", "Stay connected when you are not using the app"),
        ["openid"] = ("Know it is you", "Confirm your Glint identity to the app"),
        ["email"] = ("Your email address", "See the email address you sign in with"),
        ["profile"] = ("Your profile", "See your basic profile details"),
    };

    public static (string Title, string? Detail) Describe(string scope) =>
        Known.TryGetValue(scope, out var known) ? known : (scope, null);
}
