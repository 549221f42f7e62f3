namespace Glint.Bench.Load;

/// <summary>
/// The cookies of one browser on one site, enough for the authorization endpoint's login and consent legs: names
/// and values from <c>Set-Cookie</c>, a deleted cookie dropped. Paths and expiry dates do not matter within a flow.
/// </summary>
public sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public void Take(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var headers))
        {
            return;
        }

        foreach (var header in headers)
        {
            var pair = header.Split(';', 2)[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = pair[..equals].Trim();
            var value = pair[(equals + 1)..].Trim();
            var deleted = value.Length == 0 || header.Contains("max-age=0", StringComparison.OrdinalIgnoreCase) ||
                header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
            if (deleted)
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }
    }

    public void Give(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", _cookies.Select(cookie => cookie.Key + "=" + cookie.Value)));
        }
    }
}
