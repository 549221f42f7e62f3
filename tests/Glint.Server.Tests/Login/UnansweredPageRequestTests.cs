using System.Net;
using Glint.Server.Tests.Audit;
using Microsoft.Extensions.Logging;

namespace Glint.Server.Tests.Login;

/// <summary>
/// What a visitor can send the built-in pages that none of their handlers answers: refused with a status, never
/// rendered without the state a handler loads (which failed with a server error), and never an error in the log.
/// </summary>
public sealed class UnansweredPageRequestTests(LoggedSqliteServerFixture server) : IClassFixture<LoggedSqliteServerFixture>
{
    [Theory]
    [InlineData("PUT", "/consent", "GET, POST, HEAD")]
    [InlineData("DELETE", "/consent", "GET, POST, HEAD")]
    [InlineData("PATCH", "/developers/apps/00000000-0000-0000-0000-000000000000/guide", "GET, HEAD")]
    [InlineData("POST", "/developers/apps/00000000-0000-0000-0000-000000000000/guide", "GET, HEAD")]
    public async Task A_method_the_page_does_not_take_gets_405_with_the_methods_it_does(string method, string path, string allowed)
    {
        using var response = await SendWithCsrfAsync(method, path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow));
        Assert.DoesNotContain(server.Logs.Records, record => record.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("/developers/apps/00000000-0000-0000-0000-000000000000")]
    [InlineData("/developers/apps/00000000-0000-0000-0000-000000000000?handler=Nope")]
    public async Task A_post_to_no_handler_of_a_page_that_takes_posts_is_not_found(string path)
    {
        using var response = await SendWithCsrfAsync("POST", path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(server.Logs.Records, record => record.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task A_csrf_cookie_that_cannot_be_read_gets_the_page_and_a_new_cookie_without_a_log_line()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Add("Cookie", "glint_csrf=x");
        using var response = await server.Public.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("glint_csrf=", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Records, record => record.Category.StartsWith("Microsoft.AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Records, record => record.Level >= LogLevel.Error);
    }

    /// <summary>The request with the form token of a login page this visitor opened (so antiforgery lets it through).</summary>
    private async Task<HttpResponseMessage> SendWithCsrfAsync(string method, string path)
    {
        using var pages = new LoginPages(server);
        var (login, _) = await pages.GoAsync("/login");
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new FormUrlEncodedContent([new("csrf", login!.Hidden("csrf")!)]),
        };
        return await pages.Browser.SendAsync(request);
    }
}
