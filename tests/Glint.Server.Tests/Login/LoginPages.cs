using System.Net;
using System.Text.RegularExpressions;
using Glint.Data;
using Glint.Server.Tests.Flows;
using Glint.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Glint.Server.Tests.Login;

/// <summary>A page the browser is on: its URL, status, headers and HTML.</summary>
public sealed partial record Page(Uri Url, HttpStatusCode Status, HttpResponseMessage Response, string Html)
{
    public string Path => Url.AbsolutePath;

    public string? Query(string name) => QueryHelpers.ParseQuery(Url.Query).TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>The value of the first hidden input called <paramref name="name"/>.</summary>
    public string? Hidden(string name) =>
        Regex.Match(Html, $"<input[^>]*name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"") is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    /// <summary>The text of the element marked <c>data-testid="<paramref name="testId"/>"</c>.</summary>
    public string? Text(string testId) =>
        Regex.Match(Html, $"data-testid=\"{Regex.Escape(testId)}\"[^>]*>([^<]*)<") is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;

    public bool Has(string testId) => Html.Contains($"data-testid=\"{testId}\"", StringComparison.Ordinal);
}

/// <summary>
/// A user at the built-in pages with a cookie-keeping client that follows redirects itself, so the tests see each
/// page and where the flow ends: the client's redirect URI (a <see cref="ClientCallback"/>) or a page.
/// </summary>
public sealed class LoginPages(GlintServerFixture server) : IDisposable
{
    public BrowserSession Browser { get; } = new(server);

    /// <summary>Follows redirects from <paramref name="url"/> while they stay on Glint's public port.</summary>
    public async Task<(Page? Page, ClientCallback? Callback)> GoAsync(string url)
    {
        for (var hops = 0; hops < 10; hops++)
        {
            var response = await Browser.GetAsync(url);
            var (page, next, callback) = await ClassifyAsync(response, url);
            if (next is null)
            {
                return (page, callback);
            }

            url = next;
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    /// <summary>Submits the page's form with its hidden fields (CSRF token included) plus <paramref name="fields"/>.</summary>
    public async Task<(Page? Page, ClientCallback? Callback)> SubmitAsync(Page page, string action, IEnumerable<KeyValuePair<string, string>> fields, bool withCsrf = true)
    {
        var form = HiddenFields(page.Html).Where(pair => withCsrf || pair.Key != "csrf").Concat(fields)
            .Select(pair => new KeyValuePair<string, string>(pair.Key, pair.Value)).ToList();
        var response = await Browser.PostFormAsync(action, form.GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => (string?)group.Last().Value));
        var (next, url, callback) = await ClassifyAsync(response, action);
        return url is null ? (next, callback) : await GoAsync(url);
    }

    /// <summary>The consent form with exactly <paramref name="ticked"/> scopes ticked.</summary>
    public async Task<(Page? Page, ClientCallback? Callback)> DecideConsentAsync(Page consent, string action, IEnumerable<string> ticked, bool remember = false)
    {
        var fields = HiddenFields(consent.Html).Concat(ticked.Select(scope => new KeyValuePair<string, string>("Scopes", scope)))
            .Append(new("Action", action));
        if (remember)
        {
            fields = fields.Append(new("Remember", "true"));
        }

        using var content = new FormUrlEncodedContent(fields);
        var response = await Browser.PostAsync("/consent", content);
        var (page, url, callback) = await ClassifyAsync(response, "/consent");
        return url is null ? (page, callback) : await GoAsync(url);
    }

    /// <summary>From an authorization request to the client: email, code from the dev outbox, then the consent page.</summary>
    public async Task<Page> LoginAsync(string authorizeUrl, string email, bool remember = false)
    {
        var (login, _) = await GoAsync(authorizeUrl);
        Assert.Equal("/login", login!.Path);
        var (code, _) = await SubmitAsync(login, "/login", [new("Email", email), new("Action", "next"), new("Remember", remember ? "true" : "false")]);
        Assert.Equal("/login/code", code!.Path);
        var (consent, callback) = await SubmitAsync(code, "/login/code", [new("Code", await LastCodeAsync(email))]);
        Assert.Null(callback);
        return consent!;
    }

    public async Task<string> LastCodeAsync(string email)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var subject = await scope.ServiceProvider.GetRequiredService<GlintDbContext>().Outbox
            .Where(message => message.To == email).OrderByDescending(message => message.Id).Select(message => message.Subject).FirstAsync();
        return subject[^6..];
    }

    private async Task<(Page? Page, string? Next, ClientCallback? Callback)> ClassifyAsync(HttpResponseMessage response, string url)
    {
        var here = new Uri(server.Public.BaseAddress!, url);
        if (response.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.Redirect && response.Headers.Location is { } location)
        {
            var target = location.IsAbsoluteUri ? location : new Uri(here, location);
            return target.Port == server.PublicPort && target.Host == here.Host ? (null, target.PathAndQuery, null) : (null, null, new ClientCallback(target));
        }

        return (new Page(here, response.StatusCode, response, await response.Content.ReadAsStringAsync()), null, null);
    }

    private static IEnumerable<KeyValuePair<string, string>> HiddenFields(string html) =>
        Regex.Matches(html, "<input[^>]*type=\"hidden\"[^>]*>").Select(match => match.Value)
            .Select(input => (Name: Regex.Match(input, "name=\"([^\"]*)\""), Value: Regex.Match(input, "value=\"([^\"]*)\"")))
            .Where(input => input.Name.Success)
            .Select(input => new KeyValuePair<string, string>(input.Name.Groups[1].Value, input.Value.Success ? WebUtility.HtmlDecode(input.Value.Groups[1].Value) : ""));

    public void Dispose() => Browser.Dispose();
}
