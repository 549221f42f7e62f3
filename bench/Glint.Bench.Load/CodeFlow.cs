using System.Net;
using System.Security.Cryptography;
using System.Web;

namespace Glint.Bench.Load;

/// <summary>A confidential client registered for the authorization code flow.</summary>
public sealed record CodeClient(string Id, string Secret, string RedirectUri);

/// <summary>
/// One complete authorization code flow, as a browser and a login and consent app drive it: the authorization
/// request, the login accepted through the admin API with the user's id as subject, back to the authorization
/// endpoint, the consent accepted, back again to the client's redirect URI with a code, and the code exchanged for
/// tokens. Six requests; the login and consent apps do not read the challenges first (Glint's built-in pages do).
/// </summary>
public sealed class CodeFlow(HttpClient http, Uri publicUrl, Uri adminUrl, CodeClient client)
{
    public async Task<string> RunAsync(string subject, string[] scopes, CancellationToken cancellationToken)
    {
        var browser = new CookieJar();
        var state = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var authorize = new Uri(publicUrl, "oauth2/auth") + "?" + string.Join('&', new Dictionary<string, string>
        {
            ["client_id"] = client.Id,
            ["response_type"] = "code",
            ["redirect_uri"] = client.RedirectUri,
            ["scope"] = string.Join(' ', scopes),
            ["state"] = state,
        }.Select(pair => pair.Key + "=" + Uri.EscapeDataString(pair.Value)));

        var login = Query(await BrowseAsync(browser, authorize, "authorize", cancellationToken), "login_challenge", "authorize");
        var afterLogin = await AcceptAsync("login", login, new { subject, remember = false }, cancellationToken);
        var consent = Query(await BrowseAsync(browser, afterLogin, "after login", cancellationToken), "consent_challenge", "after login");
        var afterConsent = await AcceptAsync("consent", consent, new { grant_scope = scopes, remember = false }, cancellationToken);
        var callback = await BrowseAsync(browser, afterConsent, "after consent", cancellationToken);
        if (!callback.ToString().StartsWith(client.RedirectUri, StringComparison.Ordinal))
        {
            throw new BenchFailureException($"after consent: sent to {BenchHttp.Truncate(callback.ToString())}, not the client");
        }

        var code = Query(callback, "code", "callback");
        using var exchange = new HttpRequestMessage(HttpMethod.Post, new Uri(publicUrl, "oauth2/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = client.RedirectUri,
            }),
        };
        exchange.Headers.Authorization = BenchHttp.Basic(client.Id, client.Secret);
        using var tokens = await http.SendAsync(exchange, cancellationToken);
        var body = await BenchHttp.ReadJsonAsync(tokens, HttpStatusCode.OK, "token", cancellationToken);
        return body["access_token"]?.GetValue<string>() ?? throw new BenchFailureException("token: no access_token");
    }

    /// <summary>A browser GET that must redirect; returns where to.</summary>
    private async Task<Uri> BrowseAsync(CookieJar browser, string url, string step, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        browser.Give(request);
        using var response = await http.SendAsync(request, cancellationToken);
        browser.Take(response);
        if (response.StatusCode is not (HttpStatusCode.Found or HttpStatusCode.SeeOther) || response.Headers.Location is not { } location)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new BenchFailureException($"{step}: {(int)response.StatusCode} instead of a redirect: {BenchHttp.Truncate(text)}");
        }

        return location.IsAbsoluteUri ? location : new Uri(new Uri(url), location);
    }

    /// <summary>The login or consent app's answer through the admin API; returns the <c>redirect_to</c>.</summary>
    private async Task<string> AcceptAsync(string kind, string challenge, object body, CancellationToken cancellationToken)
    {
        var url = new Uri(adminUrl, $"admin/oauth2/auth/requests/{kind}/accept?{kind}_challenge={Uri.EscapeDataString(challenge)}");
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = BenchHttp.Json(body) };
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await BenchHttp.ReadJsonAsync(response, HttpStatusCode.OK, kind + " accept", cancellationToken);
        return answer["redirect_to"]?.GetValue<string>() ?? throw new BenchFailureException($"{kind} accept: no redirect_to");
    }

    private static string Query(Uri location, string name, string step) =>
        HttpUtility.ParseQueryString(location.Query)[name] is { Length: > 0 } text
            ? text
            : throw new BenchFailureException($"{step}: no {name} in {BenchHttp.Truncate(location.ToString())}");
}
