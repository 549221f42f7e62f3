using System.Net;

namespace Glint.Server.Tests.Flows;

/// <summary>
/// Sends a browser's cookies and stores the ones its responses set, one response at a time, as a browser does.
/// <see cref="HttpClientHandler"/>'s own cookie handling updates the <see cref="CookieContainer"/> from concurrent
/// responses at once, and the container then loses, now and then, a cookie one response sets while another response's
/// deletion empties it: a test that sent one verifier three times at once saw the winner's consent CSRF cookie vanish.
/// </summary>
public sealed class BrowserCookieHandler(CookieContainer cookies) : DelegatingHandler(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
{
    private readonly Lock _jar = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // HttpClient has made the URI absolute (against its BaseAddress) before any handler runs.
        var uri = request.RequestUri!;
        lock (_jar)
        {
            var header = cookies.GetCookieHeader(uri);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            lock (_jar)
            {
                foreach (var value in values)
                {
                    try
                    {
                        cookies.SetCookies(uri, value);
                    }
                    catch (CookieException)
                    {
                        // As HttpClientHandler does: a browser ignores a cookie it cannot store.
                    }
                }
            }
        }

        return response;
    }
}
