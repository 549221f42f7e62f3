namespace Glint.Login.Web;

/// <summary>
/// Client metadata is written by whoever registered the client, so its URLs are shown only when they are absolute
/// http(s) URLs: a <c>javascript:</c> or <c>data:</c> link or logo must never reach the page. Razor encodes the rest.
/// </summary>
public static class SafeLinks
{
    public static Uri? Page(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri : null;

    /// <summary>Logos only over https: the pages' content security policy refuses anything else.</summary>
    public static Uri? Image(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri : null;
}
