using System.Net.Mail;

namespace Glint.Login.Developers;

/// <summary>An app's registration as a developer submits it, before the rules are applied.</summary>
public sealed record AppForm(
    string? Name,
    string? Description,
    string? HomepageUrl,
    string? LogoUrl,
    string? PrivacyUrl,
    string? TermsUrl,
    string? ContactEmail,
    string? RedirectUris,
    IReadOnlyList<string> Scopes,
    string? AuthMethod);

/// <summary>A registration that passed the rules: trimmed, with its callback URLs and scopes in order and without repeats.</summary>
public sealed record ValidAppForm(
    string Name,
    string Description,
    string? HomepageUrl,
    string? LogoUrl,
    string? PrivacyUrl,
    string? TermsUrl,
    string ContactEmail,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> Scopes,
    string AuthMethod);

/// <summary>
/// The portal's rules for a registration. Callback URLs follow the authorization endpoint's exact matching: absolute,
/// no fragment, and <c>https</c> unless the host is the developer's own machine (loopback), as RFC 8252 allows.
/// Every message names the field and the rule.
/// </summary>
public static class AppRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 4000;
    public const int MaxRedirectUris = 10;
    public const int MaxUrlLength = 2048;

    public static readonly IReadOnlyList<string> AuthMethods = ["client_secret_basic", "client_secret_post", "none"];

    public static (ValidAppForm? Form, string? Error) Validate(AppForm form, IReadOnlyList<string> publishedScopes)
    {
        ArgumentNullException.ThrowIfNull(form);
        var name = form.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            return Fail($"Name: give the app a name of 1 to {MaxNameLength} characters, without control characters.");
        }

        var description = form.Description?.Trim() ?? "";
        if (description.Length is 0 or > MaxDescriptionLength)
        {
            return Fail($"Description: say what the app does and why it needs each scope, in 1 to {MaxDescriptionLength} characters.");
        }

        string? homepage = null, logo = null, privacy = null, terms = null;
        foreach (var (field, value, httpsOnly, set) in new (string, string?, bool, Action<string?>)[]
        {
            ("Homepage", form.HomepageUrl, false, url => homepage = url),
            ("Logo URL", form.LogoUrl, true, url => logo = url),
            ("Privacy policy URL", form.PrivacyUrl, false, url => privacy = url),
            ("Terms of service URL", form.TermsUrl, false, url => terms = url),
        })
        {
            var trimmed = value?.Trim();
            if (string.IsNullOrEmpty(trimmed))
            {
                continue;
            }

            if (WebUrlError(field, trimmed, httpsOnly) is { } error)
            {
                return Fail(error);
            }

            set(trimmed);
        }

        var email = form.ContactEmail?.Trim() ?? "";
        if (email.Length is 0 or > 320 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            return Fail("Contact email: give an email address where the operator can reach you, such as dev@example.com.");
        }

        var redirectUris = (form.RedirectUris ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Distinct(StringComparer.Ordinal).ToList();
        if (redirectUris.Count is 0 or > MaxRedirectUris)
        {
            return Fail($"Callback URLs: give 1 to {MaxRedirectUris} callback URLs, one per line.");
        }

        foreach (var uri in redirectUris)
        {
            if (RedirectUriError(uri) is { } error)
            {
                return Fail(error);
            }
        }

        // An empty value (`Scopes=`) binds as a null element: it names no scope, as a blank one does.
        var scopes = form.Scopes.Select(scope => scope?.Trim() ?? "").Where(scope => scope.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0)
        {
            return Fail("Scopes: choose at least one scope.");
        }

        if (scopes.FirstOrDefault(scope => !publishedScopes.Contains(scope, StringComparer.Ordinal)) is { } unknown)
        {
            return Fail($"Scopes: '{unknown}' is not a scope this server offers; choose from {string.Join(", ", publishedScopes)}.");
        }

        var authMethod = form.AuthMethod?.Trim() ?? "";
        if (!AuthMethods.Contains(authMethod, StringComparer.Ordinal))
        {
            return Fail($"Client type: choose one of {string.Join(", ", AuthMethods)}.");
        }

        return (new ValidAppForm(name, description, homepage, logo, privacy, terms, email, redirectUris,
            [.. publishedScopes.Where(scopes.Contains)], authMethod), null);
    }

    /// <summary>Why <paramref name="uri"/> cannot be a callback URL, or null when it can.</summary>
    public static string? RedirectUriError(string uri, string field = "Callback URLs")
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Length > MaxUrlLength)
        {
            return $"{field}: {Shorten(uri)} is longer than {MaxUrlLength} characters.";
        }

        // The client registered on approval refuses them, so an app accepted with one could never be approved.
        if (uri.Any(char.IsControl))
        {
            return $"{field}: a URL must not contain control characters.";
        }

        if (uri.Contains('#', StringComparison.Ordinal))
        {
            return $"{field}: {uri} must not contain a fragment (#).";
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.Host.Length == 0)
        {
            return $"{field}: {uri} is not an absolute URL such as https://app.example.com/callback.";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return $"{field}: {uri} must not contain a user name or password.";
        }

        if (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && IsLoopback(parsed)))
        {
            return null;
        }

        return parsed.Scheme == Uri.UriSchemeHttp
            ? $"{field}: {uri} must use https; http is allowed only for 127.0.0.1, [::1] or localhost."
            : $"{field}: {uri} must use https (or http for 127.0.0.1, [::1] or localhost).";
    }

    /// <summary>Why <paramref name="value"/> cannot be a web page's URL (https only for a logo, shown on the consent page), or null.</summary>
    public static string? WebUrlError(string field, string value, bool httpsOnly)
    {
        if (value.Length > MaxUrlLength || value.Any(char.IsControl) || !Uri.TryCreate(value, UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.Host.Length == 0)
        {
            return $"{field}: {Shorten(value)} is not an absolute URL such as https://example.com/.";
        }

        if (parsed.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        return httpsOnly || parsed.Scheme != Uri.UriSchemeHttp
            ? $"{field}: {value} must use https."
            : null;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.Host == "localhost");

    private static string Shorten(string value) => value.Length > 80 ? value[..80] + "…" : value;

    private static (ValidAppForm?, string?) Fail(string error) => (null, error);
}
