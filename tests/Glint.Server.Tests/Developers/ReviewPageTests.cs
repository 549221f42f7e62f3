using System.Net;
using System.Text.RegularExpressions;

namespace Glint.Server.Tests.Developers;

/// <summary>The review page on the admin port: lists pending apps, approves and rejects them; the public port has none of it.</summary>
public abstract class ReviewPageTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : DeveloperServerFixture
{
    [Fact]
    public async Task The_operator_approves_and_rejects_on_the_admin_ports_review_page()
    {
        using var developer = await Developer.SignInAsync(server);
        var approveId = Developer.AppId(await developer.RegisterAsync(name: "Approve me")).ToString("D");
        var rejectId = Developer.AppId(await developer.RegisterAsync(name: "Reject me")).ToString("D");
        using var operatorBrowser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = server.Admin.BaseAddress };

        var list = await operatorBrowser.GetStringAsync("/review/apps");
        Assert.Contains("Approve me", list, StringComparison.Ordinal);
        var csrf = Regex.Match(list, "name=\"csrf\"[^>]*value=\"([^\"]*)\"").Groups[1].Value;

        var approved = await PostAsync(operatorBrowser, "/review/apps?handler=Approve", [new("csrf", WebUtility.HtmlDecode(csrf)), new("AppId", approveId)]);
        Assert.Contains("Approve me was approved.", approved, StringComparison.Ordinal);
        var rejected = await PostAsync(operatorBrowser, "/review/apps?handler=Reject", [new("csrf", WebUtility.HtmlDecode(csrf)), new("AppId", rejectId), new("Reason", "Not for this wallet")]);
        Assert.Contains("Reject me was rejected.", rejected, StringComparison.Ordinal);
        Assert.DoesNotContain("Approve me", rejected.Replace("Approve me was approved.", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var (_, approvedApp) = await server.GetJsonAsync($"/admin/apps/{approveId}");
        Assert.Equal("approved", approvedApp!["status"]!.GetValue<string>());
        var (_, rejectedApp) = await server.GetJsonAsync($"/admin/apps/{rejectId}");
        Assert.Equal("Not for this wallet", rejectedApp!["message"]!.GetValue<string>());

        using var withoutCsrf = new FormUrlEncodedContent([new("AppId", rejectId)]);
        using var refused = await operatorBrowser.PostAsync("/review/apps?handler=Approve", withoutCsrf);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var publicPort = await server.Public.GetAsync("/admin/review/apps");
        Assert.Equal(HttpStatusCode.NotFound, publicPort.StatusCode);
    }

    private static async Task<string> PostAsync(HttpClient browser, string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await browser.PostAsync(url, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}

public sealed class SqliteReviewPageTests(SqliteDeveloperServerFixture server) : ReviewPageTests<SqliteDeveloperServerFixture>(server);

public sealed class PostgresReviewPageTests(PostgresDeveloperServerFixture server) : ReviewPageTests<PostgresDeveloperServerFixture>(server);
